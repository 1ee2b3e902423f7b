import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { AccessService } from './access.service.js';
import { InvitesService } from './invites.service.js';
import { OrgsProjection } from './orgs.projection.js';
import { OrgsResolver } from './orgs.resolver.js';
import { OrgsService } from './orgs.service.js';

@Module({
  imports: [AuthModule],
  providers: [OrgsProjection, AccessService, OrgsService, InvitesService, OrgsResolver],
  exports: [AccessService, OrgsService],
})
export class OrgsModule {}
