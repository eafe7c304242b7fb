import { Module } from '@nestjs/common';
import { ValidateStage } from './validate.stage.js';
import { ValidationRepository } from './validation.repository.js';

/** Row checks, the validate stage, validation reports and quarantined rows. */
@Module({
  providers: [ValidateStage, ValidationRepository],
  exports: [ValidateStage, ValidationRepository],
})
export class ValidationModule {}
