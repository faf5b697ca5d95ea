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
    this.clients.push(client);
    this.client = client;
    this.greeting = greeting;
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
