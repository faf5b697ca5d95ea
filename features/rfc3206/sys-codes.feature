# RFC 3206 §4 The SYS Response Code: "The SYS response code announces that a failure is due to a
# system error, as opposed to the user's credentials or an external condition. It is hierarchical,
# with two possible second-level codes: TEMP and PERM." "SYS/TEMP indicates a problem which is
# likely to be temporary in nature ... Examples might include a central resource which is currently
# locked or otherwise temporarily unavailable" ... "SYS/PERM is used for problems which are unlikely
# to be resolved without intervention ... Examples include corrupted mailboxes, system configuration
# errors". "The SYS response code is valid with an -ERR response to any command."
# Response codes are optional (RFC 2449 §8), hence MAY. A target cannot be made to fail on purpose:
# these scenarios start a private bundled server whose store fails.
@rfc3206
Feature: The SYS response code (RFC 3206 §4)

  @sec-4 @MAY @req-3206-SYS-1 @bundled
  Scenario: A temporary failure to open the maildrop is answered [SYS/TEMP]
    Given the bundled server runs on a store that fails temporarily
    And the client is connected
    When the client sends "USER ${user}"
    And the client sends "PASS ${pass}"
    Then the response is -ERR with the response code [SYS/TEMP]
    And every response code in the scenario is valid for its command and status

  @sec-4 @MAY @req-3206-SYS-2 @bundled
  Scenario: A permanent failure to open the maildrop is answered [SYS/PERM]
    Given the bundled server runs on a store that fails permanently
    And the client is connected
    When the client sends "USER ${user}"
    And the client sends "PASS ${pass}"
    Then the response is -ERR with the response code [SYS/PERM]
    And every response code in the scenario is valid for its command and status
