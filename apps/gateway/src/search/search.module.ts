import { Module } from '@nestjs/common';
import { OrgsModule } from '../orgs/orgs.module.js';
import { SearchResolver } from './search.resolver.js';
import { SearchService } from './search.service.js';
import { SearchIndexer } from './search-indexer.service.js';

@Module({ imports: [OrgsModule], providers: [SearchService, SearchResolver, SearchIndexer] })
export class SearchModule {}
