import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildKeysProgram } from '../../functions/cli/keys.js';
import { type ApiStack, checkMultipart, samplePhoto, selfie640, startApiStack } from '../api/apiStack.js';

/** Runs `npm run keys -- ...args` in-process against the stack's DynamoDB Local; returns what it printed. */
async function keys(api: ApiStack, ...args: string[]): Promise<string> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
  try {
    await buildKeysProgram().exitOverride().parseAsync(['node', 'keys', '--endpoint', api.stack.dynamoDbEndpoint, ...args]);
  } finally {
    log.mockRestore();
  }
  return lines.join('\n');
}

const keyIn = (out: string) => /appKey: (\S+)/.exec(out)?.[1] ?? '';

describe('keys CLI against DynamoDB Local', () => {
  let api: ApiStack;
  let selfie: Buffer;
  beforeAll(async () => {
    api = await startApiStack();
    selfie = await selfie640(1);
  });
  afterAll(async () => api?.stop());

  it('creates, lists, rotates, revokes and re-plans an app; only the key hash is stored', async () => {
    const created = await keys(api, 'create', 'cli-bank', '--plan', 'sandbox', '--description', 'test bank');
    const key = keyIn(created);
    expect(key).toMatch(/^cli-bank\./);
    const { Item } = await api.db.send(new GetCommand({ TableName: api.config.tables.apps, Key: { appId: 'cli-bank' } }));
    expect(JSON.stringify(Item)).not.toContain(key);
    expect(Item?.keyHash).toMatch(/^[0-9a-f]{64}$/);

    const listed = await keys(api, 'list', '--json');
    expect(listed).toContain('"appId":"cli-bank"');
    expect(listed).not.toContain('keyHash');
    expect(listed).not.toContain(key);

    const headers = { appId: 'cli-bank', appKey: key };
    expect((await checkMultipart(api, headers, selfie)).status).toBe(200);

    const rotatedKey = keyIn(await keys(api, 'rotate', 'cli-bank'));
    expect(rotatedKey).not.toBe(key);
    expect((await checkMultipart(api, headers, selfie)).status).toBe(401);
    expect((await checkMultipart(api, { appId: 'cli-bank', appKey: rotatedKey }, selfie)).status).toBe(200);

    await keys(api, 'revoke', 'cli-bank');
    expect((await checkMultipart(api, { appId: 'cli-bank', appKey: rotatedKey }, selfie)).status).toBe(403);

    await keys(api, 'set-plan', 'cli-bank', 'standard');
    const again = keyIn(await keys(api, 'rotate', 'cli-bank'));
    const crop = await checkMultipart(api, { appId: 'cli-bank', appKey: again }, selfie, { returnCroppedImageURL: 'yes' });
    expect(crop.status).toBe(200);
  });

  it("judges an app by its own rules document when set, else by its plan's", async () => {
    const key = keyIn(await keys(api, 'create', 'cli-rules', '--plan', 'standard'));
    const headers = { appId: 'cli-rules', appKey: key };
    const group = samplePhoto(1); // several faces: the default rules send it to review, strict fails it
    const action = async () => (await checkMultipart(api, headers, group)).body.result.summary.action;
    expect(await action()).toBe('manualReview');
    expect(await keys(api, 'set-rules', 'cli-rules', 'strict')).toContain('strict');
    expect(await action()).toBe('fail');
    await keys(api, 'set-rules', 'cli-rules', 'plan');
    expect(await action()).toBe('manualReview');
    await expect(keys(api, 'set-rules', 'cli-rules', 'lenient')).rejects.toThrow(/unknown rules document/);
  });

  it('refuses unknown plans, taken app ids and unknown apps', async () => {
    await expect(keys(api, 'create', 'cli-plan', '--plan', 'platinum')).rejects.toThrow(/unknown plan/);
    await keys(api, 'create', 'cli-taken');
    await expect(keys(api, 'create', 'cli-taken')).rejects.toThrow(/already exists/);
    await expect(keys(api, 'rotate', 'cli-nobody')).rejects.toThrow(/does not exist/);
  });

  it('refuses the app ids the code uses for itself (anonymous, unknown-app), in any case, saying why', async () => {
    for (const reserved of ['anonymous', 'Anonymous', 'unknown-app']) {
      await expect(keys(api, 'create', reserved), reserved).rejects.toThrow(/is a reserved app id: .+; choose another name/);
      const { Item } = await api.db.send(new GetCommand({ TableName: api.config.tables.apps, Key: { appId: reserved } }));
      expect(Item, reserved).toBeUndefined();
    }
    await expect(keys(api, 'create', 'anonymous')).rejects.toThrow(/transaction log/);
  });

  it('refuses wildcard origins with a message saying to list each origin', async () => {
    await keys(api, 'create', 'cli-wild');
    for (const wild of ['https://*.shop.example', '*', 'https://shop.example,https://*.example']) {
      await expect(keys(api, 'set-origins', 'cli-wild', wild), wild).rejects.toThrow(/wildcard origin .* is not supported: list each origin/);
    }
    const { Item } = await api.db.send(new GetCommand({ TableName: api.config.tables.apps, Key: { appId: 'cli-wild' } }));
    expect(Item?.allowedOrigins).toBeUndefined();
  });

  it('sets the browser origins allowed to use an app\'s capture sessions, normalised, and refuses anything but scheme://host[:port]', async () => {
    await keys(api, 'create', 'cli-shop');
    const out = await keys(api, 'set-origins', 'cli-shop', 'https://Shop.Example/,http://localhost:8080');
    expect(out).toBe('cli-shop allows https://shop.example, http://localhost:8080');
    const { Item } = await api.db.send(new GetCommand({ TableName: api.config.tables.apps, Key: { appId: 'cli-shop' } }));
    expect(Item?.allowedOrigins).toEqual(['https://shop.example', 'http://localhost:8080']);
    for (const bad of ['https://shop.example/path', 'ftp://shop.example', 'shop.example', 'https://user:pw@shop.example']) {
      await expect(keys(api, 'set-origins', 'cli-shop', bad), bad).rejects.toThrow(/invalid origin/);
    }
    expect(await keys(api, 'set-origins', 'cli-shop', 'none')).toBe('cli-shop allows no browser origin');
    const cleared = await api.db.send(new GetCommand({ TableName: api.config.tables.apps, Key: { appId: 'cli-shop' } }));
    expect(cleared.Item?.allowedOrigins).toBeUndefined();
  });
});
