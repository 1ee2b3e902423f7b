import { Module } from '@nestjs/common';
import { BlogModule } from '../blog/blog.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { WikiModule } from '../wiki/wiki.module.js';
import { ConflictsResolver } from './conflicts.resolver.js';

@Module({ imports: [OrgsModule, DocumentsModule, WikiModule, BlogModule], providers: [ConflictsResolver] })
export class ConflictsModule {}
