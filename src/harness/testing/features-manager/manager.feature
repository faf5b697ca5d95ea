@manager
Feature: Manager scenarios in their passes
  The harness's own test features for the runner's passes: the shared manager scenarios, then the
  exclusive ones one at a time, then STOP last.

  @sec-5.1 @MUST
  Scenario: A shared manager scenario
    Given the run records "shared manager 1"

  @sec-5.2 @MUST
  Scenario: Another shared manager scenario
    Given the run records "shared manager 2"

  @manager-exclusive @sec-5.10 @MUST
  Scenario: An exclusive scenario
    Given the run records "exclusive 1"

  @manager-exclusive @manager-stop @sec-5.11 @MUST
  Scenario: The STOP scenario
    Given the run records "stop"

  @manager-exclusive @sec-5.10 @SHOULD
  Scenario: Another exclusive scenario
    Given the run records "exclusive 2"
