# RFC 1939 §7, TOP msg n: "If the POP3 server issues a positive response, then the response given is
# multi-line. After the initial +OK, the POP3 server sends the headers of the message, the blank
# line separating the headers from the body, and then the number of lines of the indicated
# message's body, being careful to byte-stuff the termination character (as with all multi-line
# responses). Note that if the number of lines requested by the POP3 client is greater than than
# the number of lines in the body, then the POP3 server sends the entire message."
# Possible Responses: "+OK top of message follows", "-ERR no such message".
# TOP is optional (§7); RFC 2449 §6.1 announces it with the CAPA tag TOP.
@rfc1939
Feature: TOP (RFC 1939 §7)

  @sec-7 @MUST @req-1939-TOP-1 @fixtures @capa-TOP
  Scenario Outline: TOP <n> <lines> sends the header, the blank line and <lines> body lines (<what>)
    Given the client is logged in
    When the client sends "TOP <n> <lines>"
    Then the response is +OK
    And the body is the header, the blank line and the first <lines> body lines of fixture message <n>

    Examples:
      | n | lines | what                              |
      | 1 | 0     | the header only                   |
      | 1 | 2     | two body lines                    |
      | 3 | 1     | bare LF line ends                 |
      | 5 | 3     | multipart MIME                    |
      | 6 | 1     | 8-bit UTF-8 body                  |
      | 7 | 0     | an empty body: the whole message  |
      | 8 | 2     | no blank line: the whole message  |

  @sec-7 @MUST @req-1939-TOP-2 @fixtures @capa-TOP
  Scenario Outline: TOP byte-stuffs lines that begin with "." (fixture <n>)
    Given the client is logged in
    When the client sends "TOP <n> <lines>"
    Then the response is +OK
    And the body is byte-stuffed on the wire
    And the body is the header, the blank line and the first <lines> body lines of fixture message <n>

    Examples:
      | n | lines |
      | 2 | 5     |
      | 2 | 100   |
      | 9 | 4     |

  @sec-7 @MUST @req-1939-TOP-3 @fixtures @capa-TOP
  Scenario Outline: TOP with more lines than the body has sends the entire message (fixture <n>)
    Given the client is logged in
    When the client sends "TOP <n> 100000"
    Then the response is +OK
    And the body equals fixture message <n>

    Examples:
      | n |
      | 1 |
      | 4 |
      | 9 |

  @sec-7 @MUST @req-1939-TOP-4
  Scenario: TOP for a message that does not exist gets -ERR
    Given the client is logged in
    When the client sends "TOP 999999 1"
    Then the response is -ERR
