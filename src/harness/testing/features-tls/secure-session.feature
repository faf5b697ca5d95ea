@rfc2595 @rfc8314 @MUST
Feature: Sessions over TLS
  The harness's own test features for --tls stls and --tls implicit: they pass only when the run
  talks TLS to the target (STLS on the plain port, or an implicit-TLS port).

  @req-harness-TLS-1
  Scenario: The session runs over TLS
    Given a session over TLS as the run asks
    Then the session is encrypted

  @req-harness-TLS-2
  Scenario: USER and PASS work over TLS
    Given a session over TLS as the run asks
    Then I can log in with well-formed +OK lines
    And the session is encrypted
