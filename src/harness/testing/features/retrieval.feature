@rfc1939 @sec-7
Feature: Retrieval and deletion

  @MUST @fixtures @req-1939-RETR-3
  Scenario: RETR byte-stuffs lines that start with a dot
    Given a logged-in session
    When I retrieve message 1
    Then the body is test message 1

  @MUST @req-1939-LIST-1
  Scenario Outline: LIST <n> gives the size of message <n>
    Given a logged-in session
    Then LIST <n> gives the size of test message <n>

    Examples:
      | n |
      | 1 |
      | 2 |

  @MUST @destructive @req-1939-DELE-1
  Scenario: DELE marks a message as deleted
    Given a logged-in session
    Then "DELE 2" answers +OK

  @SHOULD @req-1939-NOOP-1
  Scenario: NOOP answers +OK
    Given a logged-in session
    Then "NOOP" answers +OK
