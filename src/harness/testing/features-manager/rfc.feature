@rfc1939 @sec-3 @MUST
Feature: RFC scenarios next to the manager ones

  Scenario: An RFC scenario
    Given the run records "rfc 1"

  Scenario: Another RFC scenario
    Given the run records "rfc 2"

  Scenario: A third RFC scenario
    Given the run records "rfc 3"
