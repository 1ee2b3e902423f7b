import { Module } from '@nestjs/common';
import { RevisionsService } from './revisions.service.js';

@Module({ providers: [RevisionsService], exports: [RevisionsService] })
export class DocumentsModule {}
