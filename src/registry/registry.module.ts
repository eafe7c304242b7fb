import { Module } from '@nestjs/common';
import { ModelsController } from './models.controller.js';
import { RegistryService } from './registry.service.js';

@Module({
  controllers: [ModelsController],
  providers: [RegistryService],
  exports: [RegistryService],
})
export class RegistryModule {}
