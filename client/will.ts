/** The device's last will: a publish the hub makes for it when its connection dies (not on `close()`). */
export interface Will {
  topic: string;
  message: string;
  /** Keep it as the topic's retained message. */
  retain?: boolean;
  /** Publish it for this user only. */
  userId?: number;
}

/** The will frame for `will` (null: clears it). */
export function willFrame(will: Will | null): string {
  if (will === null) return '{"will":null}';
  const { topic, message, retain, userId } = will;
  const body: Record<string, unknown> = { topic, message };
  if (retain === true) body.retain = true;
  if (userId !== undefined) body.user_id = userId;
  return JSON.stringify({ will: body });
}
