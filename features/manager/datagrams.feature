# docs/manager-protocol.txt §4.6-§4.7: bad datagrams of any size or shape get a short fixed error,
# never longer than themselves and rate limited, or are dropped; the POP3 side never notices.
@manager
Feature: Manager handling of bad datagrams (popcheck-manager/1 §4.7)

  Background:
    Given the manager is reachable

  @sec-4.7 @MUST @req-MGR-SAFE-2
  Scenario Outline: A datagram shorter than the error reply gets no reply (<octets> octets)
    When the admin sends a manager datagram of <octets> random octets
    Then the manager sends no reply to that datagram

    Examples:
      | octets |
      | 1      |
      | 4      |
      | 20     |

  @sec-4.7 @MUST @req-MGR-SAFE-2
  Scenario: A seed-style bare command gets no reply: it is shorter than the refusal
    When the admin sends the manager datagram "STOP"
    Then the manager sends no reply to that datagram

  @sec-4.7 @MUST @req-MGR-SAFE-2
  Scenario: A malformed datagram gets a fixed short error no longer than itself
    When the admin sends the manager datagram "GET / HTTP/1.1 -- a client on the wrong port, long enough"
    Then the manager replies -ERR with code "MALFORMED"
    And the manager reply is unauthenticated
    And the manager reply is no longer than the datagram sent

  @sec-4.6 @MUST @req-MGR-SAFE-1
  Scenario: A flood of bad datagrams leaves POP3 and the manager working
    Given a POP3 client holds a session open
    When the admin sends 300 bad manager datagrams of assorted sizes
    Then a POP3 client is still greeted with +OK
    And the manager counter CONC is at least 1

  @sec-4.7 @SHOULD @req-MGR-SAFE-3
  Scenario: Unauthenticated replies to one sender are rate limited
    When the admin sends 200 malformed manager datagrams in a burst
    Then the manager answered at most the rate limit of its refusals
