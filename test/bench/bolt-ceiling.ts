/**
 * Bolt's ceiling: a bare @slack/bolt App behind the smallest receiver that honours Slack's contract
 * (verify the signature, hand the payload to `processEvent`, answer with what `ack()` got), answering
 * an empty `/user360`. It sits in a Hono app and is driven through `app.request()`, like the service.
 */
import { App, verifySlackRequest, type Receiver } from '@slack/bolt';
import { Hono } from 'hono';
import { SLACK_BOT, type FakeSlackApi } from '../fakes/slack-api.ts';
import { signSlackRequest, slashCommandBody } from '../fakes/slack-sign.ts';

class MinimalReceiver implements Receiver {
  readonly routes = new Hono();
  private app: App | undefined;

  constructor(secret: string, now: () => number) {
    this.routes.post('/slack/events', async (c) => {
      const raw = await c.req.text();
      try {
        verifySlackRequest({
          signingSecret: secret,
          body: raw,
          headers: { 'x-slack-signature': c.req.header('x-slack-signature') ?? '', 'x-slack-request-timestamp': Number(c.req.header('x-slack-request-timestamp')) },
          nowMilliseconds: now(),
        });
      } catch {
        return c.body(null, 401);
      }
      const body = Object.fromEntries(new URLSearchParams(raw));
      return new Promise<Response>((resolve) => {
        void this.app!.processEvent({
          body,
          ack: async (response) => resolve(response ? Response.json(response) : new Response(null, { status: 200 })),
        }).catch(() => resolve(new Response(null, { status: 500 })));
      });
    });
  }

  init(app: App) {
    this.app = app;
  }
  start() {
    return Promise.resolve(this.routes);
  }
  stop() {
    return Promise.resolve();
  }
}

export async function boltCeiling(api: FakeSlackApi, secret: string, now: () => number) {
  const receiver = new MinimalReceiver(secret, now);
  const app = new App({ token: SLACK_BOT.token, receiver, deferInitialization: true, clientOptions: { slackApiUrl: api.url, retryConfig: { retries: 0 } } });
  app.command('/user360', async ({ ack }) => {
    await ack();
  });
  await app.init();
  const slash = (text = '') => {
    const body = slashCommandBody({ text, user_id: 'U1', channel_id: 'C1', response_url: api.responseUrl('ceiling') });
    return receiver.routes.request('/slack/events', { method: 'POST', headers: { ...signSlackRequest(secret, body, Math.floor(now() / 1000)) }, body });
  };
  return { slash };
}
