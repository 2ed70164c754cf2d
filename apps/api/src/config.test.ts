import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const goodSecrets = {
  JWT_SECRET: 'k3V9x2QmT7pL0aZ8yW4nR6sD1fH5jB3cE9uI0oP2',
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

describe('config', () => {
  it('runs embedded with no variables at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: 'embedded',
      port: 3000,
      dataDir: './data',
      publicUrl: 'http://localhost:3000',
    });
    expect(config.secrets).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        REDIS_URL: 'http://nope',
        LOG_LEVEL: 'loud',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'LOG_LEVEL'])
        expect(problems).toContain(name);
    }
  });

  it('scale-out refuses to start without secrets, or with placeholder ones', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/herald';
    expect(() => loadConfig({ DATABASE_URL: url })).toThrow(/JWT_SECRET[\s\S]*ENCRYPTION_KEY/);
    expect(() =>
      loadConfig({
        DATABASE_URL: url,
        JWT_SECRET: 'change-me',
        ENCRYPTION_KEY: goodSecrets.ENCRYPTION_KEY,
      }),
    ).toThrow(/JWT_SECRET: must be at least 32/);
    expect(() =>
      loadConfig({
        DATABASE_URL: url,
        JWT_SECRET: 'a'.repeat(40),
        ENCRYPTION_KEY: goodSecrets.ENCRYPTION_KEY,
      }),
    ).toThrow(/JWT_SECRET/);
    expect(() =>
      loadConfig({
        DATABASE_URL: url,
        JWT_SECRET: goodSecrets.JWT_SECRET,
        ENCRYPTION_KEY: 'c2hvcnQ=',
      }),
    ).toThrow(/ENCRYPTION_KEY: must be 32 random bytes/);
    const config = loadConfig({ DATABASE_URL: url, ...goodSecrets });
    expect(config.mode).toBe('scale-out');
    expect(config.secrets?.encryptionKey).toHaveLength(32);
    expect(config.secrets?.previousJwtSecrets).toEqual([]);
  });

  it('takes the JWT secrets being rotated out, each as strong as a secret', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/herald';
    const old = 'x'.repeat(8) + goodSecrets.JWT_SECRET;
    const config = loadConfig({
      DATABASE_URL: url,
      ...goodSecrets,
      JWT_SECRET_PREVIOUS: ` ${old} ,`,
    });
    expect(config.secrets?.previousJwtSecrets).toEqual([new TextEncoder().encode(old)]);
    expect(() =>
      loadConfig({ DATABASE_URL: url, ...goodSecrets, JWT_SECRET_PREVIOUS: 'short' }),
    ).toThrow(/JWT_SECRET_PREVIOUS: each secret must be at least 32/);
  });

  it('parses lists and booleans', () => {
    const config = loadConfig({
      CORS_ORIGINS: 'https://a.example, https://b.example,',
      TRUST_PROXY: 'true',
    });
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.trustProxy).toBe(true);
  });
});
