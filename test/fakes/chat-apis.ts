import { afterAll, beforeEach } from 'vitest';
import { startFakeDiscordApi, type FakeDiscordApi, type FakeDiscordOptions } from './discord-api.ts';
import { startFakeSlackApi, type FakeSlackApi } from './slack-api.ts';

/**
 * The fake Slack and Discord APIs for one test file: started on free ports of 127.0.0.1 when the file
 * loads, closed when it ends, and (`resetEach`) cleared of recorded calls and scripted answers before
 * each test, so no test reads another's messages.
 */
export async function useFakeChatApis(opts: { resetEach?: boolean; discord?: FakeDiscordOptions } = {}): Promise<{ slack: FakeSlackApi; discord: FakeDiscordApi }> {
  const [slack, discord] = await Promise.all([startFakeSlackApi(), startFakeDiscordApi(opts.discord)]);
  afterAll(() => Promise.all([slack.close(), discord.close()]));
  if (opts.resetEach) {
    beforeEach(() => {
      slack.reset();
      discord.reset();
    });
  }
  return { slack, discord };
}
