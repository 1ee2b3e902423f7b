import { Field, ID, InputType, registerEnumType } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IdField } from '../../graphql/id-field.decorator.js';

export enum EditConflictWorkflowState {
  open = 'open',
  assigned = 'assigned',
  resolved = 'resolved',
}
registerEnumType(EditConflictWorkflowState, {
  name: 'EditConflictWorkflowState',
  description: 'Where an edit conflict is in its built-in workflow: open -> assigned -> resolved',
});

@InputType()
export class AssignEditConflictInput {
  @IdField()
  orgId!: string;

  @IdField()
  conflictId!: string;

  @Field(() => ID, { nullable: true, description: 'An editor (or admin, owner); null unassigns' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  assigneeId!: string | null;
}

@InputType()
export class EditConflictTextInput {
  @IdField()
  orgId!: string;

  @IdField()
  conflictId!: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  text!: string;
}
