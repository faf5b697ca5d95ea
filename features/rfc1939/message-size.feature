# RFC 1939 §11 Message Format: "It is important to note that the octet count for a message on the
# server host may differ from the octet count assigned to that message due to local conventions
# for designating end-of-line. ... if the POP3 server host internally represents end-of-line as a
# single character, then the POP3 server simply counts each occurrence of this character in a
# message as two octets. Note that lines in the message which start with the termination octet
# need not (and must not) be counted twice, since the POP3 client will remove all byte-stuffed
# termination characters when it receives a multi-line response."
# §5 LIST: a scan listing gives "the exact size of the message in octets".
@rfc1939
Feature: The exact size of a message (RFC 1939 §11)

  @sec-11 @MUST @req-1939-SIZE-1
  Scenario: The size in each scan listing is the number of octets RETR sends for it
    Given the client is logged in
    And the maildrop holds at least 1 message
    When the client sends "LIST"
    Then for every message the size in the scan listing equals the octets of its body as RETR sends it

  @sec-11 @MUST @req-1939-SIZE-1 @fixtures
  Scenario Outline: A message stored with <what> is counted with CRLF line ends
    Given the client is logged in
    When the client sends "LIST <n>"
    Then the scan listing gives the size of fixture message <n>

    Examples:
      | n | what                   |
      | 3 | bare LF line ends      |
      | 4 | no final line break    |

  @sec-11 @MUST @req-1939-SIZE-2 @fixtures
  Scenario Outline: Byte-stuffing is not counted in the size (fixture <n>)
    Given the client is logged in
    When the client sends "LIST <n>"
    Then the scan listing gives the size of fixture message <n>

    Examples:
      | n |
      | 2 |
      | 9 |
