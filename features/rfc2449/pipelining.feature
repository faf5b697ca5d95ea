# RFC 2449 §6.6 PIPELINING: "The PIPELINING capability indicates the server is capable of accepting
# multiple commands at a time; the client does not have to wait for the response to a command
# before issuing a subsequent command. If a server supports PIPELINING, it MUST process each
# command in turn. If a client uses PIPELINING, it MUST keep track of which commands it has
# outstanding, and match server responses to commands in order."
# "there is also an advantage is sending new commands while still receiving the response to an
# earlier command (for example, sending RETR and/or DELE commands while processing a UIDL reply)."
@rfc2449
Feature: Pipelining (RFC 2449 §6.6)

  @sec-6.6 @MUST @req-2449-PIPE-1 @req-2449-PIPE-2 @capa-PIPELINING
  Scenario: A whole session sent in one write is answered command by command, in order
    Given the client is connected
    And the maildrop of the main account holds at least 2 messages
    When the client sends these commands in one write:
      | USER ${user} |
      | PASS ${pass} |
      | STAT         |
      | LIST         |
      | RETR 1       |
      | XYZZ         |
      | LIST 1       |
      | DELE 1       |
      | RETR 1       |
      | RSET         |
      | UIDL         |
      | NOOP         |
      | QUIT         |
    Then the replies come in order:
      | USER ${user} | +OK  |
      | PASS ${pass} | +OK  |
      | STAT         | +OK  |
      | LIST         | +OK  |
      | RETR 1       | +OK  |
      | XYZZ         | -ERR |
      | LIST 1       | +OK  |
      | DELE 1       | +OK  |
      | RETR 1       | -ERR |
      | RSET         | +OK  |
      | UIDL         | +OK  |
      | NOOP         | +OK  |
      | QUIT         | +OK  |
    And the server closes the connection

  # Only RFC 1939 commands, so a server without CAPA is judged on what the scenario is about.
  @sec-6.6 @MUST @req-2449-PIPE-2 @capa-PIPELINING
  Scenario: Commands split at every octet are read as the same commands
    Given the client is connected
    When the client sends these commands one octet per write:
      | USER ${user} |
      | PASS ${pass} |
      | STAT         |
      | NOOP         |
    Then the replies come in order:
      | USER ${user} | +OK |
      | PASS ${pass} | +OK |
      | STAT         | +OK |
      | NOOP         | +OK |

  @sec-6.6 @MUST @req-2449-PIPE-2 @fixtures @capa-PIPELINING
  Scenario: Many RETR commands in one write are answered in order with the right messages
    Given the client is logged in
    When the client sends these commands in one write:
      | RETR 9 |
      | RETR 2 |
      | RETR 5 |
      | RETR 1 |
      | LIST 3 |
      | RETR 9 |
    Then the replies come in order:
      | RETR 9 | +OK |
      | RETR 2 | +OK |
      | RETR 5 | +OK |
      | RETR 1 | +OK |
      | LIST 3 | +OK |
      | RETR 9 | +OK |
    And the body of reply 1 equals fixture message 9
    And the body of reply 2 equals fixture message 2
    And the body of reply 3 equals fixture message 5
    And the body of reply 4 equals fixture message 1
    And the body of reply 6 equals fixture message 9

  @sec-6.6 @MUST @req-2449-PIPE-2 @capa-PIPELINING
  Scenario: A failed login in a pipeline is followed by the answers to the commands after it
    Given the client is connected
    When the client sends these commands in one write:
      | USER ${user}       |
      | PASS ${wrong-pass} |
      | STAT               |
      | USER ${user}       |
      | PASS ${pass}       |
      | STAT               |
    Then the replies come in order:
      | USER ${user}       | +OK  |
      | PASS ${wrong-pass} | -ERR |
      | STAT               | -ERR |
      | USER ${user}       | +OK  |
      | PASS ${pass}       | +OK  |
      | STAT               | +OK  |

  @sec-6.6 @MUST @req-2449-PIPE-1 @capa-PIPELINING
  Scenario: The same command pipelined 100 times gets 100 answers
    Given the client is logged in
    When the client sends "STAT" 100 times in one write
    Then there are 100 replies, all +OK and all the same
