# docs/manager-protocol.txt §3.5, §5.2: listings come a page at a time, each page as full as one
# datagram allows; following next (or AFTER the last name) walks the whole listing.
@manager
Feature: Manager listings and paging (popcheck-manager/1 §3.5)

  Background:
    Given the manager is reachable

  @sec-3.5 @MUST @req-MGR-PAGE-1 @req-MGR-PAGE-2
  Scenario: Following next lists every user exactly once, every page within one datagram
    Given the manager has added 40 fresh users with long names
    When the admin lists every user through the manager, following next
    Then the listing took more than one page
    And every manager page fits in one datagram of 1200 octets
    And the manager pages list every user exactly once, in order

  @sec-3.5 @MUST @req-MGR-PAGE-2
  Scenario: The AFTER cursor walks the same listing
    Given the manager has added 40 fresh users with long names
    When the admin lists every user through the manager, with the AFTER cursor
    Then the listing took more than one page
    And every manager page fits in one datagram of 1200 octets
    And the manager pages list every user exactly once, in order

  @sec-3.5 @MUST @req-MGR-PAGE-3
  Scenario: An offset past the end gives an empty last page
    When the admin sends the manager command "USERS 999999999"
    Then the manager replies +OK
    And the manager reply text matches "^count=0 total=\d+$"

  @sec-3.5 @MUST @req-MGR-PAGE-1
  Scenario: STATS pages fit in one datagram
    When the admin sends the manager command "STATS"
    Then the manager replies +OK
    And the manager reply fits in one datagram of 1200 octets
    And the manager reply text matches "^count=\d+ total=\d+( next=\d+)?$"
