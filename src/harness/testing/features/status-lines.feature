@rfc1939 @sec-3 @MUST
Feature: Status lines
  The harness's own test features: small, fast, and independent of the real suite.

  @req-1939-STATUS-1
  Scenario: The greeting is a well-formed +OK line
    Given a connection to the server
    Then the greeting is a well-formed +OK line

  @req-1939-STATUS-2
  Scenario: USER and PASS answer well-formed +OK lines
    Given a connection to the server
    Then I can log in with well-formed +OK lines
