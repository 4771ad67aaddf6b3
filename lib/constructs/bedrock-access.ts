import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface BedrockAccessProps {
  /** The role of the Lambda function or the Fargate task. */
  readonly role: iam.IRole;
  /**
   * Allow invoking application inference profiles (ARNs the account created for cost tracking).
   * @default true
   */
  readonly applicationInferenceProfiles?: boolean;
  /**
   * Let the role subscribe to a third-party model in AWS Marketplace. Bedrock subscribes the account on the
   * first call to such a model (Anthropic, Meta, Mistral, Cohere, ...) with the caller's permissions; without
   * them that first call, and every call after it, is refused until someone with them invokes the model.
   * @default true
   */
  readonly marketplaceSubscriptions?: boolean;
}

/**
 * Least-privilege Bedrock permissions for the gateway: invoke and stream any model or profile a client may
 * name, and read the catalogue for GET /models. ARNs use the partition token so the same template works in
 * the aws, aws-cn and aws-us-gov partitions.
 */
export class BedrockAccess extends Construct {
  readonly policy: iam.Policy;
  /** The Marketplace subscription permissions; absent when turned off. */
  readonly marketplacePolicy?: iam.Policy;

  constructor(scope: Construct, id: string, props: BedrockAccessProps) {
    super(scope, id);
    // Cross-Region profiles route to foundation models in other Regions (global ones to a Region-less ARN),
    // so the foundation-model ARN must allow any Region. Profiles themselves live in this Region and account.
    const foundationModels = `arn:${Aws.PARTITION}:bedrock:*::foundation-model/*`;
    const profiles = [`arn:${Aws.PARTITION}:bedrock:${Aws.REGION}:${Aws.ACCOUNT_ID}:inference-profile/*`];
    if (props.applicationInferenceProfiles ?? true) {
      profiles.push(`arn:${Aws.PARTITION}:bedrock:${Aws.REGION}:${Aws.ACCOUNT_ID}:application-inference-profile/*`);
    }

    this.policy = new iam.Policy(this, 'Policy', {
      statements: [
        new iam.PolicyStatement({
          sid: 'InvokeModels',
          actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          resources: [foundationModels, ...profiles],
        }),
        new iam.PolicyStatement({ sid: 'ReadProfiles', actions: ['bedrock:GetInferenceProfile'], resources: profiles }),
        // The List actions support no resource-level permissions: AWS only accepts "*" for them.
        new iam.PolicyStatement({ sid: 'ListCatalog', actions: ['bedrock:ListFoundationModels', 'bedrock:ListInferenceProfiles'], resources: ['*'] }),
      ],
    });
    this.policy.attachToRole(props.role);

    const wildcardReason =
      'Clients choose the model per request (the OpenAI "model" field), so the gateway may invoke any model or profile; the actions are limited to invoke/stream and the profile ARNs to this account and Region.';
    for (const resource of [foundationModels, ...profiles]) {
      Validations.of(this.policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${nagForm(resource)}]`, reason: wildcardReason });
    }
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'bedrock:ListFoundationModels and bedrock:ListInferenceProfiles support no resource-level permissions; "*" is the only accepted resource.',
    });

    if (props.marketplaceSubscriptions ?? true) {
      // The two actions Bedrock's automatic model access needs; no Unsubscribe, which the gateway never calls.
      this.marketplacePolicy = new iam.Policy(this, 'MarketplacePolicy', {
        statements: [
          new iam.PolicyStatement({ sid: 'MarketplaceModelAccess', actions: ['aws-marketplace:Subscribe', 'aws-marketplace:ViewSubscriptions'], resources: ['*'] }),
        ],
      });
      this.marketplacePolicy.attachToRole(props.role);
      Validations.of(this.marketplacePolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'AWS Marketplace subscription actions have no resource-level permissions; Bedrock needs them the first time the account invokes a third-party model. Turn off with -c marketplaceSubscriptions=false once the models are subscribed.',
      });
    }
  }
}

/** How cdk-nag prints an ARN built from pseudo parameters, e.g. arn:<AWS::Partition>:bedrock:... */
function nagForm(arn: string): string {
  return arn
    .replace(Aws.PARTITION, '<AWS::Partition>')
    .replace(Aws.REGION, '<AWS::Region>')
    .replace(Aws.ACCOUNT_ID, '<AWS::AccountId>');
}
