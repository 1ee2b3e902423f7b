import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({
  description:
    'Something changed in an organisation, here or replicated from another gateway: a hint for a screen to fetch again what it shows',
})
export class OrgActivity {
  @Field(() => ID, { description: 'The organisation or department the change is about' })
  orgId!: string;

  @Field({ description: 'decision, project or workflow' })
  domain!: string;

  @Field({ description: 'The op kind, e.g. decision.voted or workflow.itemTransitioned' })
  kind!: string;

  @Field(() => ID, {
    description:
      'What changed, as a screen shows it: the decision (also for votes), the project (also for its milestones and new tasks), a task, a workflow or a workflow item',
  })
  entity!: string;

  @Field({ description: 'When the change was made (its hybrid logical clock)' })
  at!: Date;
}
