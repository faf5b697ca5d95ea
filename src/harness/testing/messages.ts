/** The test server's maildrop, shared with the test steps that check what RETR returns. */
export const TEST_MESSAGES: readonly string[] = [
  'Subject: one\r\n\r\nhello\r\n.hidden line starting with a dot\r\n.\r\nafter a lone dot\r\n',
  'Subject: two\r\n\r\nbye\r\n',
];

export const TEST_USER = { user: 'alice', pass: 'wonderland' } as const;
