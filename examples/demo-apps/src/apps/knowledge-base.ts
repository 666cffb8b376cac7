/** The help-centre articles the support assistant retrieves from. */
export interface Article {
  id: string;
  title: string;
  body: string;
}

export const ARTICLES: readonly Article[] = [
  { id: 'kb-101', title: 'Resetting your password', body: 'Open Settings → Security and choose Reset password. A link valid for 30 minutes is emailed to the account owner. SSO users reset through their identity provider.' },
  { id: 'kb-102', title: 'Exporting your data', body: 'Admins can export all workspace data as CSV or JSON from Settings → Data → Export. Large exports are prepared in the background and emailed when ready, usually within an hour.' },
  { id: 'kb-103', title: 'Refund policy', body: 'Annual plans can be refunded pro rata within 30 days of renewal. Monthly plans are not refunded but can be cancelled at any time; access continues until the end of the period.' },
  { id: 'kb-104', title: 'Changing your plan', body: 'Upgrades take effect immediately and are prorated. Downgrades apply at the next renewal. Enterprise plans are changed through your account manager.' },
  { id: 'kb-105', title: 'Invoices and VAT', body: 'Invoices are available under Billing → Invoices. Add your VAT number before the next invoice is issued; past invoices cannot be reissued with a VAT number.' },
  { id: 'kb-106', title: 'Two-factor authentication', body: 'Enable 2FA under Settings → Security with an authenticator app or a hardware key. Admins can require 2FA for everyone in the workspace.' },
  { id: 'kb-107', title: 'API rate limits', body: 'The API allows 600 requests per minute per key on paid plans and 60 on the free plan. Responses carry X-RateLimit-Remaining; a 429 includes Retry-After.' },
  { id: 'kb-108', title: 'Shipping times for hardware orders', body: 'Hardware ships within 2 business days from the EU warehouse. Tracking numbers are emailed at dispatch. Orders missing after 10 days can be reported for a replacement.' },
  { id: 'kb-109', title: 'Inviting teammates', body: 'Invite people from Settings → Members. Invitations expire after 7 days. Seats are billed from the day the invitation is accepted.' },
  { id: 'kb-110', title: 'Deleting your account', body: 'The workspace owner can delete the account from Settings → Danger zone. Data is removed within 30 days; backups are purged within 90 days.' },
];

/** Questions customers ask; some need a human (refunds, missing orders) and end in a ticket. */
export const QUESTIONS: readonly { text: string; escalate: boolean }[] = [
  { text: 'How do I reset my password? The email never arrives.', escalate: false },
  { text: 'Can I export all our data to CSV before we migrate?', escalate: false },
  { text: 'We renewed the annual plan by mistake last week, can we get a refund?', escalate: true },
  { text: 'How do I downgrade from Business to Team?', escalate: false },
  { text: 'Our invoice is missing the VAT number, can you fix invoice INV-2291?', escalate: true },
  { text: 'How do I force two-factor authentication for the whole team?', escalate: false },
  { text: 'We keep hitting 429 errors from the API, what are the limits?', escalate: false },
  { text: 'My hardware order 88213 has not arrived after two weeks.', escalate: true },
  { text: 'How long do invitations stay valid?', escalate: false },
  { text: 'Please delete our workspace and all the data.', escalate: true },
];

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
