import { z } from 'zod';

/**
 * Alert shapes as the viewer reads them. The alerts helper owns the canonical schemas
 * (packages/contracts/src/alerts.ts); until they land these accept the documented core fields and
 * keep every other field (loose objects) so the pages can show what the server sends.
 */

const list = <T extends z.ZodType>(item: T) =>
  z.union([z.array(item), z.object({ items: z.array(item) }).transform((o) => o.items)]);

export const AlertRule = z.looseObject({
  id: z.string(),
  name: z.string(),
  enabled: z.boolean().optional(),
  metric: z.string().optional(),
  threshold: z.number().optional(),
  windowMinutes: z.number().optional(),
  lastState: z.string().nullable().optional(),
});
export type AlertRule = z.infer<typeof AlertRule>;
export const AlertRuleList = list(AlertRule);

export interface AlertRuleInput {
  name: string;
  metric: string;
  comparator: 'gt' | 'lt';
  threshold: number;
  windowMinutes: number;
  filters: Record<string, string>;
  webhookIds: string[];
  enabled: boolean;
}

export const AlertTestResult = z.looseObject({
  firing: z.boolean().optional(),
  value: z.number().nullable().optional(),
});
export type AlertTestResult = z.infer<typeof AlertTestResult>;

export const AlertEvent = z.looseObject({
  id: z.string(),
  ruleId: z.string().optional(),
  state: z.string().optional(),
  value: z.number().nullable().optional(),
  createdAt: z.string().optional(),
});
export type AlertEvent = z.infer<typeof AlertEvent>;
export const AlertEventList = list(AlertEvent);

export const Webhook = z.looseObject({
  id: z.string(),
  url: z.string(),
  name: z.string().optional(),
  enabled: z.boolean().optional(),
  createdAt: z.string().optional(),
});
export type Webhook = z.infer<typeof Webhook>;
export const WebhookList = list(Webhook);
/** The signing secret is returned once, at creation. */
export const WebhookCreated = Webhook.extend({ secret: z.string().optional() });

export interface WebhookInput {
  url: string;
  name: string;
}

export const Delivery = z.looseObject({
  id: z.string(),
  status: z.union([z.string(), z.number()]).optional(),
  responseStatus: z.number().nullable().optional(),
  attempts: z.number().optional(),
  createdAt: z.string().optional(),
  error: z.string().nullable().optional(),
});
export type Delivery = z.infer<typeof Delivery>;
export const DeliveryList = list(Delivery);
