# The seed project's own end-to-end checks, kept as scenarios: its example session, pipelined login,
# both address families on one port, byte-stuffing, a real client (curl) and many clients at once.
# RFC 1939 §3 Basic Operation, §4-§6 (the session), §10 Example POP3 Session; RFC 2449 §6.6
# (PIPELINING) for the pipelined login.
@rfc1939
Feature: The seed session (RFC 1939 §3-§6, §10)

  @sec-4 @sec-5 @sec-6 @MUST @req-1939-PASS-2 @req-1939-AUTH-2 @req-1939-LIST-1 @req-1939-STAT-1 @req-1939-RETR-1 @req-1939-DELE-1 @req-1939-RSET-1 @req-1939-NOOP-1 @req-1939-UPDATE-4 @fixtures
  Scenario: The example session: failed and good login, LIST, STAT, RETR, DELE, RSET, CAPA, NOOP, QUIT
    Given the client is connected
    When the client sends "USER ${user}"
    Then the response is +OK
    When the client sends "PASS ${wrong-pass}"
    Then the response is -ERR
    Given the server kept the connection open
    When the client logs in
    Then the response is +OK
    When the client sends "LIST"
    Then the response is +OK
    And the scan listing gives each message the size of its fixture
    When the client sends "STAT"
    Then the drop listing counts the fixture messages and their total size
    When the client sends "RETR 1"
    Then the body equals fixture message 1
    When the client sends "DELE 1"
    Then the response is +OK
    When the client sends "STAT"
    Then the drop listing counts 8 messages
    When the client sends "RSET"
    Then the response is +OK
    When the client sends "STAT"
    Then the drop listing counts 9 messages
    When the client sends "CAPA"
    And the client sends "NOOP"
    Then the response is +OK
    When the client sends "QUIT"
    Then the response is +OK
    And the server closes the connection

  @sec-3 @MUST @req-1939-ERR-3
  Scenario Outline: "<command>" is refused before login
    Given the client is connected
    When the client sends "<command>"
    Then the response is -ERR

    Examples:
      | command |
      | LIST    |
      | STAT    |
      | RETR 1  |
      | DELE 1  |
      | RSET    |
      | NOOP    |

  @sec-5 @MUST @req-1939-RETR-1 @req-1939-PASS-2 @fixtures @capa-PIPELINING
  Scenario: USER, PASS and RETR 1 sent in one write are answered in order
    Given the client is connected
    When the client sends these commands in one write:
      | USER ${user} |
      | PASS ${pass} |
      | RETR 1       |
    Then the replies come in order:
      | USER ${user} | +OK |
      | PASS ${pass} | +OK |
      | RETR 1       | +OK |
    And the body of reply 3 equals fixture message 1

  @sec-3 @MUST @req-1939-GREET-1
  Scenario: The same port answers over IPv4 (127.0.0.1) and IPv6 (::1)
    Given the target is the bundled server or answers on ::1
    When client A connects over IPv4
    And client B connects over IPv6
    Then client A and client B are both greeted with +OK

  @sec-5 @MUST @req-1939-RETR-2 @fixtures
  Scenario: A message with lines beginning with "." comes back byte-stuffed and intact (fixture 02)
    Given the client is logged in
    When the client sends "RETR 2"
    Then the response is +OK
    And the body is byte-stuffed on the wire
    And the body equals fixture message 2

  @sec-5 @MUST @req-1939-RETR-1 @fixtures
  Scenario: curl retrieves every message exactly as stored, line ends made CRLF
    Given curl is installed
    Then "curl pop3://host:port/N -u user:pass" prints each fixture message N in its CRLF form

  @sec-3 @MUST @req-1939-GREET-1 @req-1939-AUTH-2
  Scenario: Fifty clients at once, while one more is logged in
    Given client A is logged in
    When 50 clients connect at once
    Then every one of them is greeted with +OK
    When each of them sends "CAPA"
    Then each of them gets a reply
    When client A sends "STAT"
    Then the response is +OK
    When each of them sends "QUIT"
    Then each of them gets a +OK reply
    And the server closes each of their connections
