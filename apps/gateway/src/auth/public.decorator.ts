import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'gatehouse:public';
/** Marks a resolver that answers without a logged-in viewer. Everything else requires one. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
