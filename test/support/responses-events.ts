/** The event order OpenAI streams for a Responses answer that is one text message, start to finish. */
export const TEXT_MESSAGE_EVENTS = [
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.content_part.added',
  'response.output_text.delta',
  'response.output_text.done',
  'response.content_part.done',
  'response.output_item.done',
  'response.completed',
] as const;
