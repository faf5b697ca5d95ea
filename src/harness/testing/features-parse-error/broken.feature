@rfc1939 @MUST
Feature: A feature file that does not parse
  The runner reports it as a harness error (exit 3), whatever --tags selects.

  Scenario: A scenario before the mistake
    Given a connection to the server

  @a tag with spaces
  Scenario: A scenario after the mistake
    Given a connection to the server
