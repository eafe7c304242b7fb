import {
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { datasetGenreName, GENRE_KEYS } from '../../core/index.js';

@ValidatorConstraint({ name: 'isGenre' })
export class IsGenre implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && datasetGenreName(value) !== undefined;
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must be one of: ${GENRE_KEYS.join(', ')}`;
  }
}
