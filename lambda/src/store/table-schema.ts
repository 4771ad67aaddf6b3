/**
 * The key schema of the gateway's DynamoDB table, shared by the store (lambda/src/store/dynamodb.ts), the
 * CDK stack that creates the table (lib/constructs/state-table.ts) and the tests that create one in dynalite.
 * Import-free, because it is bundled into the Lambda function.
 *
 * One table for all the gateway's state (single-table design): every record kind prefixes its partition
 * key (`response#…`, `item#…`; managed keys and usage later), so kinds never collide.
 */
export const TABLE_SCHEMA = Object.freeze({
  /** String partition key. */
  partitionKey: 'pk',
  /** String sort key. */
  sortKey: 'sk',
  /** Number, unix seconds: DynamoDB's TTL deletes the item some time after it (reads ignore it at once). */
  ttlAttribute: 'expiresAt',
} as const);
