# RFC 1939 §3 Basic Operation: "A POP3 server MAY have an inactivity autologout timer. Such a timer
# MUST be of at least 10 minutes' duration. The receipt of any command from the client during that
# interval should suffice to reset the autologout timer. When the timer expires, the session does
# NOT enter the UPDATE state--the server should close the TCP connection without removing any
# messages or sending any response to the client."
# Waiting 10 minutes is not practical, so these scenarios start a private instance of the bundled
# server with a 2-second timer (the limit is a flag of `popcheck server`) and check what happens when
# it expires. They run only when the target is the bundled server.
@rfc1939
Feature: The inactivity autologout timer (RFC 1939 §3)

  @sec-3 @SHOULD @req-1939-TIMER-5 @bundled
  Scenario: When the timer expires the server closes the connection without a response
    Given the bundled server runs with an inactivity timer of 2 seconds
    And the client is logged in
    Then the server closes the connection within 10 seconds
    And the server sent nothing after its last reply

  @sec-3 @MUST @req-1939-TIMER-4 @bundled
  Scenario: When the timer expires nothing marked as deleted is removed
    Given the bundled server runs with an inactivity timer of 2 seconds
    And the client is logged in
    And the client notes the reply to "STAT"
    And the client has marked message 1 as deleted
    When the server closes the connection within 10 seconds
    And client B logs in
    Then client B gets the same reply to "STAT" as noted

  @sec-3 @SHOULD @req-1939-TIMER-3 @bundled
  Scenario: Every command resets the timer
    Given the bundled server runs with an inactivity timer of 2 seconds
    And the client is logged in
    Then the connection stays open while the client sends "NOOP" every second, 4 times
