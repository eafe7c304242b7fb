import { ApiProperty } from '@nestjs/swagger';
import type { Endpoint } from './impressions.repository.js';
import type { OnlineQuality, PathQuality } from './impressions.service.js';

export class PathQualityDto implements PathQuality {
  @ApiProperty({ enum: ['user', 'taste', 'similar'], example: 'user' }) endpoint!: Endpoint;
  @ApiProperty({
    enum: ['session', 'returning', 'new-user', 'taste', 'similar', 'fallback'],
    example: 'returning',
  })
  path!: string;
  @ApiProperty({ example: 1520, description: 'Lists served' }) lists!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 187,
    description: 'Lists hit; null for taste and similar lists, which name no user',
  })
  hits!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.123 }) hitRate!: number | null;
}

export class OnlineQualityDto implements OnlineQuality {
  @ApiProperty({ example: 4210, description: "Users' lists served by this version (impressions kept)" })
  lists!: number;
  @ApiProperty({
    example: 512,
    description:
      'Of them, lists hit: the user rated a movie of the list >= 4 within the hit window, while it was ' +
      'the newest list they had been served',
  })
  hits!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.1216,
    description: 'hits / lists; null before any',
  })
  hitRate!: number | null;
  @ApiProperty({ type: [PathQualityDto] }) byPath!: PathQualityDto[];
  @ApiProperty({ example: 30, description: 'Only impressions of this many days are kept' })
  retentionDays!: number;
  @ApiProperty({ example: 24 }) hitWindowHours!: number;
}
