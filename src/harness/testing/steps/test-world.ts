/** The test steps' World: the contract's parameters, and the clients to close and transcribe. */
import { After, Before, setDefaultTimeout, setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import { Pop3Client, renderTranscript, type ResponseLine } from '../../../client/index.js';
import { TRANSCRIPT_MEDIA_TYPE, type WorldParameters } from '../../contract.js';

// Steps wait up to the per-response timeout; cucumber's own 5 s default must not cut in first.
setDefaultTimeout(60_000);

export class TestWorld extends World<WorldParameters> {
  clients: Pop3Client[] = [];
  client: Pop3Client | undefined;
  greeting: ResponseLine | undefined;
  body: Buffer | undefined;

  constructor(options: IWorldOptions<WorldParameters>) {
    super(options);
  }

  async open(): Promise<Pop3Client> {
    const p = this.parameters;
    const { client, greeting } = await Pop3Client.open({ host: p.host, port: p.port, timeoutMs: p.timeoutMs });
    return this.opened(client, greeting);
  }

  /** A session over TLS as the run asks: implicit (TLS from the first byte) or STLS (RFC 2595). */
  async openSecure(): Promise<Pop3Client> {
    const p = this.parameters;
    const tlsOptions = { rejectUnauthorized: !p.tlsInsecure };
    if (p.tls === 'implicit') {
      const { client, greeting } = await Pop3Client.open({ host: p.host, port: p.port, timeoutMs: p.timeoutMs, tls: tlsOptions });
      return this.opened(client, greeting);
    }
    const client = await this.open();
    if (p.tls === 'stls') {
      const reply = await client.command('STLS');
      if (!reply.ok) throw new Error(`STLS: expected +OK, got ${JSON.stringify(reply.text)}`);
      await client.startTls(tlsOptions);
      this.secure = true;
    }
    return client;
  }

  /** True once the session runs over TLS. */
  secure = false;

  private opened(client: Pop3Client, greeting: ResponseLine): Pop3Client {
    this.clients.push(client);
    this.client = client;
    this.greeting = greeting;
    this.secure = this.parameters.tls === 'implicit';
    return client;
  }
}

setWorldConstructor(TestWorld);

Before({ tags: '@hook-fails' }, function () {
  throw new Error('this hook always fails');
});

After(function (this: TestWorld) {
  for (const c of this.clients) {
    this.attach(renderTranscript(c.transcript), TRANSCRIPT_MEDIA_TYPE);
    c.destroy();
  }
});
