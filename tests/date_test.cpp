#include <doctest/doctest.h>

#include <limits>

#include "colloquy/date.hpp"

using colloquy::format_iso8601;
using colloquy::parse_iso8601;

TEST_SUITE("Dates") {
  TEST_CASE("ISO 8601 times in UTC, with offsets and with fractions") {
    CHECK(parse_iso8601("1970-01-01T00:00:00Z") == 0);
    CHECK(parse_iso8601("2010-09-25T14:03:00Z") == 1285423380000);
    CHECK(parse_iso8601("2010-09-25T16:03:00+02:00") == 1285423380000);
    CHECK(parse_iso8601("2010-09-25T09:03:00-0500") == 1285423380000);
    CHECK(parse_iso8601("2010-09-25 14:03:00Z") == 1285423380000);
    CHECK(parse_iso8601("2010-09-25T14:03Z") == 1285423380000);
    CHECK(parse_iso8601("2010-09-25T14:03:00.5Z") == 1285423380500);
    CHECK(parse_iso8601("2010-09-25T14:03:00.123456Z") == 1285423380123);
    CHECK(parse_iso8601("2010-09-25") == 1285372800000);
    CHECK(parse_iso8601("2010-09-25T14:03:00") == 1285423380000);  // no zone: UTC
    CHECK(parse_iso8601("1969-12-31T23:59:59Z") == -1000);
    CHECK(parse_iso8601("2000-02-29T00:00:00Z").has_value());
  }

  TEST_CASE("Malformed and impossible times are rejected") {
    for (const char* bad :
         {"", "2010", "2010-13-01", "2010-02-30", "1900-02-29", "2010-09-25T24:00:00Z", "2010-09-25T14:60Z",
          "2010-09-25T14:03:00+25:00", "2010-09-25T14:03:00Zjunk", "2010-09-25X14:03Z", "2010-09-25T14:03:00.Z",
          "0000-01-01", "September 25, 2010", "2010-09-25T14:03:00+02:0"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_iso8601(bad).has_value());
    }
  }

  TEST_CASE("Unix seconds, fractions and out-of-range values") {
    CHECK(colloquy::from_unix_seconds(1285423380) == 1285423380000);
    CHECK(colloquy::from_unix_seconds(1285423380.25) == 1285423380250);
    CHECK_FALSE(colloquy::from_unix_seconds(1e300).has_value());
    CHECK_FALSE(colloquy::from_unix_seconds(std::numeric_limits<double>::quiet_NaN()).has_value());
  }

  TEST_CASE("ISO output round-trips and civil fields are right across eras") {
    CHECK(format_iso8601(1285423380000) == "2010-09-25T14:03:00Z");
    CHECK(format_iso8601(1285423380500) == "2010-09-25T14:03:00.500Z");
    CHECK(format_iso8601(-1000) == "1969-12-31T23:59:59Z");
    for (int64_t t : {int64_t(0), int64_t(951782400000), int64_t(-62135596800000), int64_t(253402300799000)}) {
      CAPTURE(t);
      CHECK(parse_iso8601(format_iso8601(t)) == t);
    }
    auto c = colloquy::to_civil(1285423380000, -5 * 60);
    CHECK(c.year == 2010);
    CHECK(c.month == 9);
    CHECK(c.day == 25);
    CHECK(c.hour == 9);
    CHECK(c.weekday == 6);  // a Saturday
  }
}
