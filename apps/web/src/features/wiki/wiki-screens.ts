export { ConflictQueueScreen } from './ConflictQueueScreen';
export { WikiIndexScreen } from './WikiIndexScreen';
export { WikiNewScreen } from './WikiNewScreen';
export { WikiPageScreen } from './WikiPageScreen';
