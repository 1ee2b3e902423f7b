import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module.js';
import { LiveUpdates } from '../graphql/live-updates.service.js';
import { OrgsModule } from '../orgs/orgs.module.js';
import { WikiProjection } from './wiki.projection.js';
import { WikiResolver } from './wiki.resolver.js';
import { WikiService } from './wiki.service.js';

@Module({
  imports: [OrgsModule, DocumentsModule],
  providers: [WikiProjection, WikiService, WikiResolver, LiveUpdates],
  exports: [WikiService],
})
export class WikiModule {}
