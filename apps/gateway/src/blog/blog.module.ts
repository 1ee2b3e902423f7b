import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module.js';
import { LiveUpdates } from '../graphql/live-updates.service.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { BlogProjection } from './blog.projection.js';
import { BlogResolver } from './blog.resolver.js';
import { BlogService } from './blog.service.js';

@Module({
  imports: [OrgsModule, DocumentsModule],
  providers: [BlogProjection, BlogService, BlogResolver, LiveUpdates],
  exports: [BlogService],
})
export class BlogModule {}
