# RFC 1939 §5, RETR msg: "If the POP3 server issues a positive response, then the response given is
# multi-line. After the initial +OK, the POP3 server sends the message corresponding to the given
# message-number, being careful to byte-stuff the termination character (as with all multi-line
# responses)." Possible Responses: "+OK message follows", "-ERR no such message".
# The fixtures (fixtures/messages/) are message 1 to 9 of the maildrop; what the server must send is
# their canonical form: CRLF line ends and a final CRLF (§3, §11).
@rfc1939
Feature: RETR (RFC 1939 §5)

  @sec-5 @MUST @req-1939-RETR-1 @fixtures
  Scenario Outline: RETR <n> sends fixture message <n> (<what>)
    Given the client is logged in
    When the client sends "RETR <n>"
    Then the response is +OK
    And the body equals fixture message <n>

    Examples:
      | n | what                                  |
      | 1 | plain text, CRLF line ends            |
      | 2 | lines beginning with "."              |
      | 3 | bare LF line ends, sent as CRLF       |
      | 4 | no final line break, one is added     |
      | 5 | multipart MIME                        |
      | 6 | 8-bit UTF-8 body                      |
      | 7 | headers and an empty body             |
      | 8 | headers only, no blank line           |
      | 9 | 998-octet lines                       |

  @sec-5 @MUST @req-1939-RETR-2 @fixtures
  Scenario Outline: RETR byte-stuffs lines that begin with "." (fixture <n>)
    Given the client is logged in
    When the client sends "RETR <n>"
    Then the response is +OK
    And the body is byte-stuffed on the wire
    And the body equals fixture message <n>

    Examples:
      | n |
      | 2 |
      | 9 |

  @sec-5 @MUST @req-1939-RETR-3
  Scenario: RETR of a message that does not exist gets -ERR
    Given the client is logged in
    When the client sends "RETR 999999"
    Then the response is -ERR

  @sec-5 @MUST @req-1939-TRANS-1
  Scenario: RETR may be given repeatedly and sends the same message each time
    Given the client is logged in
    And the maildrop holds at least 1 message
    And the client notes the reply to "RETR 1"
    Then the client gets the same reply to "RETR 1" as noted
