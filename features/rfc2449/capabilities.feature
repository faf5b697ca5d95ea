# RFC 2449 §6 Initial Set of Capabilities (AUTH-RESP-CODE, RFC 3206 §6: features/rfc3206/). Each
# capability says what it means; a server that announces it promises that. Where a scenario
# depends on a capability it carries @capa-<TAG>: when CAPA does not list the tag the verdict is
# NOT-ADVERTISED (or UNADVERTISED-WORKS when the feature works all the same).
# §6.1 TOP: "The TOP capability indicates the optional TOP command is available."
# §6.2 USER: "The USER capability indicates that the USER and PASS commands are supported".
# §6.3 SASL: "The argument to the SASL capability is a space separated list of SASL mechanisms".
# §6.4 RESP-CODES, §6.6 PIPELINING, §6.8 UIDL: "Arguments: none".
# §6.5 LOGIN-DELAY: "minimum seconds between logins; optionally followed by USER in AUTHENTICATION
# state" ... "the server MUST announce in AUTHENTICATION state the largest value which could be set
# for any user ... The server SHOULD append the token "USER" ... The server SHOULD announce the more
# accurate value in TRANSACTION state."
# §6.7 EXPIRE: "server-guaranteed minimum retention days, or NEVER; optionally followed by USER in
# AUTHENTICATION state" ... the smallest value before login, "USER" and the accurate value likewise.
# §6.9 IMPLEMENTATION: "one or more tokens which identify the server" ... "a server MAY chose to do
# so only in TRANSACTION state."
@rfc2449
Feature: The capabilities of RFC 2449 §6

  @sec-6.1 @MUST @req-2449-TOP-1 @capa-TOP
  Scenario: A server that announces TOP answers TOP
    Given the client is logged in
    And the maildrop holds at least 1 message
    When the client sends "TOP 1 0"
    Then the response is +OK

  @sec-6.2 @MUST @req-2449-USER-1 @capa-USER
  Scenario: A server that announces USER logs in with USER and PASS
    Given the client is connected
    When the client logs in
    Then the response is +OK

  @sec-6.8 @MUST @req-2449-UIDL-1 @capa-UIDL
  Scenario: A server that announces UIDL answers UIDL
    Given the client is logged in
    When the client sends "UIDL"
    Then the response is +OK

  @sec-6.3 @MUST @req-2449-SASL-1 @capa-SASL
  Scenario: SASL lists the supported mechanisms
    Given the server announces SASL
    Then the SASL capability lists SASL mechanism names

  @sec-3 @MUST @req-2449-GRAM-4 @req-2595-STLS-9 @capa-STLS
  Scenario: STLS, when announced, is a well-formed capability line without arguments
    Given the server announces STLS
    Then the STLS capability has no arguments

  @sec-6.4 @MUST @req-2449-RESPCODES-1 @capa-RESP-CODES
  Scenario: RESP-CODES has no arguments
    Given the server announces RESP-CODES
    Then the RESP-CODES capability has no arguments

  @sec-6.6 @MUST @req-2449-PIPE-1 @capa-PIPELINING
  Scenario: PIPELINING has no arguments
    Given the server announces PIPELINING
    Then the PIPELINING capability has no arguments

  @sec-6.1 @MUST @req-2449-TOP-1 @capa-TOP
  Scenario: TOP has no arguments
    Given the server announces TOP
    Then the TOP capability has no arguments

  @sec-6.2 @MUST @req-2449-USER-1 @capa-USER
  Scenario: USER has no arguments
    Given the server announces USER
    Then the USER capability has no arguments

  @sec-6.8 @MUST @req-2449-UIDL-1 @capa-UIDL
  Scenario: UIDL has no arguments
    Given the server announces UIDL
    Then the UIDL capability has no arguments

  @sec-6.5 @MUST @req-2449-LOGINDELAY-1 @capa-LOGIN-DELAY
  Scenario: LOGIN-DELAY is a whole number of seconds, with "USER" only before login
    Given the server announces LOGIN-DELAY
    And the client is logged in
    When the client asks for the capabilities
    Then the LOGIN-DELAY capability has a valid value before and after login

  @sec-6.5 @MUST @req-2449-LOGINDELAY-3 @capa-LOGIN-DELAY
  Scenario: The LOGIN-DELAY announced before login is the largest that can apply
    Given the server announces LOGIN-DELAY
    And the client is logged in
    When the client asks for the capabilities
    Then the LOGIN-DELAY after login is not larger than before login

  @sec-6.5 @SHOULD @req-2449-LOGINDELAY-4 @req-2449-LOGINDELAY-5 @capa-LOGIN-DELAY
  Scenario: A LOGIN-DELAY that changes at login is marked "USER" before and announced after
    Given the server announces LOGIN-DELAY
    And the client is logged in
    When the client asks for the capabilities
    Then a LOGIN-DELAY that changes at login carries "USER" before login and is announced after login

  @sec-6.7 @MUST @req-2449-EXPIRE-1 @capa-EXPIRE
  Scenario: EXPIRE is a whole number of days or NEVER, with "USER" only before login
    Given the server announces EXPIRE
    And the client is logged in
    When the client asks for the capabilities
    Then the EXPIRE capability has a valid value before and after login

  @sec-6.7 @MUST @req-2449-EXPIRE-5 @capa-EXPIRE
  Scenario: The EXPIRE announced before login is the smallest that can apply
    Given the server announces EXPIRE
    And the client is logged in
    When the client asks for the capabilities
    Then the EXPIRE after login is not smaller than before login

  @sec-6.7 @SHOULD @req-2449-EXPIRE-6 @req-2449-EXPIRE-7 @capa-EXPIRE
  Scenario: An EXPIRE that changes at login is marked "USER" before and announced after
    Given the server announces EXPIRE
    And the client is logged in
    When the client asks for the capabilities
    Then an EXPIRE that changes at login carries "USER" before login and is announced after login

  @sec-6.9 @MUST @req-2449-IMPL-1 @capa-IMPLEMENTATION
  Scenario: IMPLEMENTATION names the server in one or more tokens
    Given the client is logged in
    When the client asks for the capabilities
    Then the IMPLEMENTATION capability names the server

  # Not @capa-IMPLEMENTATION: whether it is announced at all is what this MAY scenario reports.
  @sec-6.9 @MAY @req-2449-IMPL-2
  Scenario: IMPLEMENTATION is announced at least after login
    Given the server implements CAPA
    And the client is logged in
    When the client asks for the capabilities
    Then the capabilities include IMPLEMENTATION
