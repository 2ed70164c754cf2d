/**
 * npm run bench:smtp — bulk SMTP throughput of Herald's pooled pipelining client against a local
 * Postfix smtp-sink (which throws messages away), next to two references measured in the same
 * run against the same sink: the raw ceiling of Postfix's own `smtp-source` (C, 20 sessions)
 * and nodemailer's pooled transport sending the same prebuilt raw messages. Prints JSON.
 * MESSAGES=… (default 50,000), CONNECTIONS=… (default 8), ROUNDS=… (default 3). smtp-source and
 * Herald alternate round by round, and the ratio is the median of the per-round ratios, so load
 * from elsewhere on the machine hits both sides alike; nodemailer, ~10× slower, runs once.
 */
import nodemailer from 'nodemailer';
import { createSmtpPool, type SmtpOutcome } from '../apps/api/src/platform/mail/smtp-client.js';
import { freePort, smtpSource, startSink } from './support.js';

const MESSAGES = Number(process.env.MESSAGES ?? 50_000);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 8);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
/** Sends kept outstanding at once, as a worker does with one claimed batch after another. */
const WINDOW = 2_000;
const BODY_BYTES = 2_048;
const DISTINCT = 1_000;

/** 2 KB of body under realistic campaign headers, CRLF, like the renderer produces. */
function buildMessages(): Buffer[] {
  const line = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.'.slice(0, 76)}\r\n`;
  const body = line.repeat(Math.ceil(BODY_BYTES / line.length)).slice(0, BODY_BYTES);
  return Array.from({ length: DISTINCT }, (_, i) =>
    Buffer.from(
      [
        `Message-ID: <${i}.bench@herald.test>`,
        'From: Herald Bench <bench@herald.test>',
        `To: <user${i}@example.com>`,
        `Subject: Bench message ${i}`,
        'Date: Thu, 01 Jan 2026 00:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=us-ascii',
        `List-Unsubscribe: <https://herald.test/u/${i}>`,
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
        '',
        body,
      ].join('\r\n'),
      'latin1',
    ),
  );
}

/** Runs `send` for every message with at most WINDOW outstanding; resolves with the seconds taken. */
async function drive(send: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < MESSAGES) await send(next++);
  };
  await Promise.all(Array.from({ length: Math.min(WINDOW, MESSAGES) }, lane));
  return (performance.now() - started) / 1000;
}

async function herald(port: number, messages: Buffer[]) {
  const pool = createSmtpPool({
    host: '127.0.0.1',
    port,
    tls: 'none',
    clientName: 'bench.herald.test',
    maxConnections: CONNECTIONS,
    maxMessagesPerConnection: 100_000,
  });
  const outcomes: Record<SmtpOutcome, number> = { sent: 0, retry: 0, failed: 0 };
  const seconds = await drive(async (i) => {
    const result = await pool.send(
      { from: 'bench@herald.test', to: `user${i}@example.com` },
      messages[i % DISTINCT]!,
    );
    outcomes[result.outcome]++;
  });
  await pool.close();
  return { seconds, outcomes };
}

async function viaNodemailer(port: number, messages: Buffer[]) {
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    maxConnections: CONNECTIONS,
    maxMessages: Infinity,
  });
  let failed = 0;
  const seconds = await drive(async (i) => {
    try {
      await transport.sendMail({
        envelope: { from: 'bench@herald.test', to: `user${i}@example.com` },
        raw: messages[i % DISTINCT]!,
      });
    } catch {
      failed++;
    }
  });
  transport.close();
  return { seconds, failed };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const rate = (seconds: number) => Math.round(MESSAGES / seconds);

const port = await freePort();
const sink = await startSink(port);
try {
  const messages = buildMessages();
  const sourceRuns: number[] = [];
  const heraldRuns: number[] = [];
  let outcomes: Record<SmtpOutcome, number> = { sent: 0, retry: 0, failed: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    sourceRuns.push(await smtpSource(port, MESSAGES, BODY_BYTES));
    const run = await herald(port, messages);
    heraldRuns.push(run.seconds);
    outcomes = run.outcomes;
  }
  const nodemailerRun = await viaNodemailer(port, messages);

  const sourceRate = rate(median(sourceRuns));
  const heraldRate = rate(median(heraldRuns));
  const nodemailerRate = rate(nodemailerRun.seconds);
  const result = {
    bench: 'smtp',
    messages: MESSAGES,
    messageBytes: messages[0]!.length,
    connections: CONNECTIONS,
    rounds: ROUNDS,
    smtpSource: {
      sessions: 20,
      msgPerSec: sourceRate,
      runs: sourceRuns.map(rate),
    },
    herald: {
      msgPerSec: heraldRate,
      runs: heraldRuns.map(rate),
      outcomes,
    },
    nodemailer: {
      msgPerSec: nodemailerRate,
      failed: nodemailerRun.failed,
    },
    ratioToSmtpSource: +median(heraldRuns.map((seconds, i) => sourceRuns[i]! / seconds)).toFixed(3),
    ratioToNodemailer: +(heraldRate / nodemailerRate).toFixed(2),
    budget: { ratioToSmtpSource: 0.6 },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  sink.kill();
}
