# RFC 1939 §3 Basic Operation: "Commands in the POP3 consist of a case-insensitive keyword, possibly
# followed by one or more arguments. All commands are terminated by a CRLF pair. Keywords and
# arguments consist of printable ASCII characters. Keywords and arguments are each separated by a
# single SPACE character."
# "A server MUST respond to an unrecognized, unimplemented, or syntactically invalid command by
# responding with a negative status indicator."
@rfc1939
Feature: Commands: keywords, arguments and invalid commands (RFC 1939 §3)

  @sec-3 @MUST @req-1939-CMD-1
  Scenario Outline: Keywords are case-insensitive: "<command>"
    Given the client is logged in
    When the client sends "<command>"
    Then the response is +OK

    Examples:
      | command |
      | stat    |
      | Stat    |
      | sTaT    |
      | noop    |
      | list    |
      | rset    |

  @sec-3 @MUST @req-1939-CMD-1
  Scenario: USER and PASS work in lower case
    Given the client is connected
    When the client logs in with "user ${user}" and "pass ${pass}"
    Then the response is +OK

  @sec-3 @MUST @req-1939-ERR-1
  Scenario Outline: An unrecognized command gets -ERR before login: "<command>"
    Given the client is connected
    When the client sends "<command>"
    Then the response is -ERR
    When the client sends "USER ${user}"
    Then the response is +OK

    Examples:
      | command           |
      | XYZZ              |
      | HELO example.org  |
      | EHLO example.org  |
      | LOGIN a b         |
      | GET / HTTP/1.0    |
      | RETRIEVE 1        |

  @sec-3 @MUST @req-1939-ERR-1
  Scenario Outline: An unrecognized command gets -ERR after login: "<command>"
    Given the client is logged in
    When the client sends "<command>"
    Then the response is -ERR
    When the client sends "NOOP"
    Then the response is +OK

    Examples:
      | command   |
      | XYZZ      |
      | LIST1     |
      | DELETE 1  |
      | MAIL FROM:<a@example.org> |

  @sec-3 @MUST @req-1939-ERR-2
  Scenario Outline: A syntactically invalid command gets -ERR: "<command>"
    Given the client is logged in
    And the maildrop holds at least 2 messages
    When the client sends "<command>"
    Then the response is -ERR
    When the client sends "NOOP"
    Then the response is +OK

    Examples: a required argument is missing
      | command |
      | RETR    |
      | DELE    |
      | TOP 1   |
      | TOP     |

    Examples: an argument is not a message number or a line count
      | command      |
      | RETR abc     |
      | RETR 0       |
      | RETR -1      |
      | RETR +1      |
      | RETR 1.5     |
      | DELE x       |
      | LIST one     |
      | TOP 1 -1     |
      | TOP 1 x      |
      | TOP x 1      |
      | UIDL !       |

    Examples: an argument too many
      | command    |
      | STAT 1     |
      | NOOP 1     |
      | RSET 1     |
      | RETR 1 2   |
      | DELE 1 2   |
      | LIST 1 2   |
      | TOP 1 2 3  |
      | UIDL 1 2   |

    Examples: arguments not separated by a single space
      | command     |
      | RETR  1     |
      | TOP 1  1    |

  @sec-3 @MUST @req-1939-ERR-2
  Scenario Outline: A malformed line gets -ERR: <what>
    Given the client is logged in
    And the maildrop holds at least 1 message
    When the client sends the octets "<octets>"
    Then the response is -ERR
    When the client sends "NOOP"
    Then the response is +OK

    Examples:
      | what                           | octets             |
      | an empty line                  | \r\n               |
      | a line of spaces               | \x20\x20\r\n       |
      | a leading space                | \x20NOOP\r\n       |
      | a trailing space               | LIST 1\x20\r\n     |
      | a NUL inside the keyword       | NO\x00OP\r\n       |
      | a control character in it      | STAT\x01\r\n       |

  @sec-3 @MUST @req-1939-ERR-2
  Scenario Outline: A syntactically invalid authentication command gets -ERR: "<command>"
    Given the client is connected
    When the client sends "<command>"
    Then the response is -ERR
    When the client sends "USER ${user}"
    Then the response is +OK

    Examples:
      | command       |
      | USER          |
      | APOP          |
      | APOP ${user}  |

  @sec-3 @MUST @req-1939-CMD-2
  Scenario Outline: A command is complete at its CRLF, however its octets are split: "<command>"
    Given the client is logged in
    And the maildrop holds at least 1 message
    When the client sends "<command>" one octet per write
    Then the response is +OK
    When the client sends "NOOP"
    Then the response is +OK

    Examples:
      | command |
      | STAT    |
      | LIST 1  |
      | RETR 1  |
      | DELE 1  |

  @sec-3 @MUST @req-1939-CMD-2
  Scenario: Login commands split one octet per write are read whole
    Given the client is connected
    When the client sends "USER ${user}" one octet per write
    Then the response is +OK
