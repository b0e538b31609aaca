// The built-in automotive domain, on every row of the files the seedforge
// binary writes for seeds 1-3 at --scale 2 (about 780,000 rows each): VINs
// valid, of the make and model year they state, and unique; every link
// holds and a lead and a vehicle are in at most one deal; each date comes
// after the one it follows (a deal's delivery after its lead and within 90
// days, the invoice within a week of delivery, payments after the invoice,
// service orders after delivery, warranty claims after their service order
// and inside the 3-year warranty, telematics after delivery, staff hired
// once their dealership is open and they are 18); about 80% of the vehicles
// sold are trucks; credit scores lie in 300-850. Dates compare with
// timestamps as SQL compares them, the date at midnight.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "support/csv_dates.h"
#include "support/csv_reader.h"
#include "support/sampling_bounds.h"
#include "test_util.h"
#include "validate/finance_rules.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::ByKey;
using testing::CsvRow;
using testing::CsvTable;
using testing::Seconds;
using testing::YearsAfter;

constexpr int64_t kDay = 86400;

// The automotive tables of one run, and each table's rows by primary key.
struct Tables {
  std::map<std::string, CsvTable> table;
  std::map<std::string, std::map<std::string, const CsvRow*>> by_key;

  // The parent row `key` of `entity`; nullptr (and a dangling count) when it
  // does not exist.
  const CsvRow* Parent(const std::string& entity, const std::optional<std::string>& key, int* dangling) const {
    const auto& rows = by_key.at(entity);
    auto it = key ? rows.find(*key) : rows.end();
    if (it == rows.end()) {
      ++*dangling;
      return nullptr;
    }
    return it->second;
  }
  int Col(const std::string& entity, const std::string& column) const {
    const int c = table.at(entity).Column(column);
    EXPECT_GE(c, 0) << entity << "." << column;
    return c;
  }
};

Tables Read(const fs::path& dir) {
  Tables t;
  const std::pair<const char*, const char*> kKeys[] = {
      {"dealerships", "dealership_id"},   {"staff", "staff_id"},
      {"personnel_records", "record_id"}, {"customers", "customer_id"},
      {"vehicles", "vehicle_id"},         {"leads", "lead_id"},
      {"deals", "deal_id"},               {"invoices", "invoice_id"},
      {"payments", "payment_id"},         {"service_orders", "service_order_id"},
      {"warranty_claims", "claim_id"},    {"telematics_events", "event_id"}};
  for (const auto& [entity, key] : kKeys) {
    t.table[entity] = testing::ReadCsv((dir / (std::string(entity) + ".csv")).string());
    t.by_key[entity] = ByKey(t.table[entity], key);
  }
  t.table["service_order_parts"] = testing::ReadCsv((dir / "service_order_parts.csv").string());
  return t;
}

// Counts of rows breaking each promise; all 0 for a correct domain.
struct Violations {
  int dangling = 0;  // a foreign key with no parent row
  int invalid_vin = 0, vin_not_of_year = 0, vin_not_of_make = 0, repeated_vin = 0;
  int lead_in_two_deals = 0, vehicle_in_two_deals = 0, deal_without_vehicle = 0;
  // A deal's salesperson is its lead's, a salesperson, at the lead's
  // dealership; only salespeople get leads.
  int salesperson_not_the_leads = 0, seller_not_a_salesperson = 0, seller_of_another_dealership = 0;
  int hired_before_opening = 0, hired_under_18 = 0, record_before_hire = 0;
  int delivered_before_lead = 0, delivered_after_90_days = 0;
  int invoice_outside_week = 0, payment_before_invoice = 0;
  int service_before_delivery = 0, claim_before_service = 0, claim_outside_warranty = 0;
  int telematics_before_delivery = 0, parts_lines_not_numbered = 0, score_out_of_range = 0;
  int chain_not_from_hire = 0, chain_gap_or_overlap = 0, chain_last_not_open = 0, record_inverted = 0;
  int payments_out_of_order = 0, telematics_out_of_order = 0, odometer_went_back = 0;
  int outside_2025 = 0;  // leads, service orders, claims and telematics outside the simulated year
  int apr_for_cash = 0, apr_missing = 0, price_off_msrp = 0;
  int invoice_not_price = 0, paid_not_summing = 0, open_fully_paid = 0, amount_paid_wrong = 0;
  size_t sold = 0, sold_trucks = 0;
  // Mean APR of financed deals per 50-point band of the customer's score.
  struct Band {
    double apr = 0, score = 0;
    int n = 0;
  };
  std::map<int, Band> apr_by_band;
  double score_sum = 0;
  size_t scores = 0;
};

bool InYear2025(const std::string& date) { return date.compare(0, 4, "2025") == 0; }

Violations Check(const Tables& t) {
  Violations v;
  auto rows = [&](const char* entity) -> const std::vector<CsvRow>& { return t.table.at(entity).rows; };

  const int opened = t.Col("dealerships", "opened_on");
  const int staff_dealer = t.Col("staff", "dealership_id"), hired = t.Col("staff", "hired_on"),
            born = t.Col("staff", "date_of_birth");
  for (const CsvRow& row : rows("staff")) {
    const CsvRow* d = t.Parent("dealerships", row[staff_dealer], &v.dangling);
    if (d) v.hired_before_opening += Seconds(*row[hired]) < Seconds(*(*d)[opened]);
    v.hired_under_18 += Seconds(*row[hired]) < YearsAfter(*row[born], 18);
  }
  const int record_staff = t.Col("personnel_records", "staff_id"),
            valid_from = t.Col("personnel_records", "valid_from");
  const int valid_to = t.Col("personnel_records", "valid_to");
  // A staff member's records (in file order) chain: the first from the
  // hiring day, each to the day before the next starts, the last open.
  const CsvRow* previous = nullptr;
  for (const CsvRow& row : rows("personnel_records")) {
    const CsvRow* s = t.Parent("staff", row[record_staff], &v.dangling);
    if (s) v.record_before_hire += Seconds(*row[valid_from]) < Seconds(*(*s)[hired]);
    const bool first = !previous || (*previous)[record_staff] != row[record_staff];
    if (first && s) v.chain_not_from_hire += *row[valid_from] != *(*s)[hired];
    if (first && previous) v.chain_last_not_open += (*previous)[valid_to].has_value();
    if (!first) {
      v.chain_gap_or_overlap += !(*previous)[valid_to] || Seconds(*(*previous)[valid_to]) + kDay != Seconds(*row[valid_from]);
    }
    if (row[valid_to]) v.record_inverted += Seconds(*row[valid_to]) < Seconds(*row[valid_from]);
    previous = &row;
  }
  if (previous) v.chain_last_not_open += (*previous)[valid_to].has_value();

  const int score = t.Col("customers", "credit_score");
  for (const CsvRow& row : rows("customers")) {
    const int s = std::stoi(*row[score]);
    v.score_out_of_range += s < 300 || s > 850;
    v.score_sum += s;
    ++v.scores;
  }

  const int vin = t.Col("vehicles", "vin"), make = t.Col("vehicles", "make"), year = t.Col("vehicles", "model_year"),
            vehicle_class = t.Col("vehicles", "class");
  std::set<std::string> vins;
  for (const CsvRow& row : rows("vehicles")) {
    v.invalid_vin += !validate::IsValidVin(*row[vin]);
    v.vin_not_of_year += !validate::VinMatchesYear(*row[vin], std::stoi(*row[year]));
    v.vin_not_of_make += !validate::VinWmiMatchesMake(*row[vin], *row[make]);
    v.repeated_vin += !vins.insert(*row[vin]).second;
  }

  const int lead_dealer = t.Col("leads", "dealership_id"), lead_customer = t.Col("leads", "customer_id"),
            created = t.Col("leads", "created_at");
  const int lead_salesperson = t.Col("leads", "salesperson_id"), role = t.Col("staff", "role");
  for (const CsvRow& row : rows("leads")) {
    v.outside_2025 += !InYear2025(*row[created]);
    t.Parent("dealerships", row[lead_dealer], &v.dangling);
    if (const CsvRow* seller = t.Parent("staff", row[lead_salesperson], &v.dangling)) {
      v.seller_not_a_salesperson += *(*seller)[role] != "salesperson";
      v.seller_of_another_dealership += (*seller)[staff_dealer] != row[lead_dealer];
    }
    t.Parent("customers", row[lead_customer], &v.dangling);
  }

  // The vehicle of each deal: vehicles are the ones sold, one per deal.
  const int vehicle_deal = t.Col("vehicles", "deal_id");
  std::map<std::string, const CsvRow*> vehicle_of;
  for (const CsvRow& row : rows("vehicles")) {
    t.Parent("deals", row[vehicle_deal], &v.dangling);
    v.vehicle_in_two_deals += !vehicle_of.emplace(row[vehicle_deal].value_or(""), &row).second;
  }
  const int deal_id = t.Col("deals", "deal_id"), deal_lead = t.Col("deals", "lead_id"),
            salesperson = t.Col("deals", "salesperson_id"), delivered = t.Col("deals", "delivered_on"),
            financing = t.Col("deals", "financing"), apr = t.Col("deals", "apr"), price = t.Col("deals", "price");
  const int msrp = t.Col("vehicles", "msrp");
  std::set<std::string> leads_sold;
  for (const CsvRow& row : rows("deals")) {
    const CsvRow* lead = t.Parent("leads", row[deal_lead], &v.dangling);
    auto sold = vehicle_of.find(*row[deal_id]);
    const CsvRow* vehicle = sold == vehicle_of.end() ? nullptr : sold->second;
    v.deal_without_vehicle += vehicle == nullptr;
    t.Parent("staff", row[salesperson], &v.dangling);
    if (lead) v.salesperson_not_the_leads += row[salesperson] != (*lead)[lead_salesperson];
    v.lead_in_two_deals += !leads_sold.insert(row[deal_lead].value_or("")).second;
    if (lead) {
      const int64_t at = Seconds(*row[delivered]), lead_at = Seconds(*(*lead)[created]);
      v.delivered_before_lead += at < lead_at;
      v.delivered_after_90_days += at > lead_at + 90 * kDay;
    }
    if (vehicle) {
      ++v.sold;
      v.sold_trucks += *(*vehicle)[vehicle_class] == "truck";
      // The price: MSRP less up to 8%, or plus up to 2%, in whole dollars.
      const double ratio = std::stod(*row[price]) / std::stod(*(*vehicle)[msrp]);
      v.price_off_msrp += ratio < 0.92 - 1e-4 || ratio > 1.02 + 1e-4;
    }
    if (*row[financing] == "cash") {
      v.apr_for_cash += row[apr].has_value();
    } else if (!row[apr]) {
      ++v.apr_missing;
    } else if (lead) {
      const CsvRow* customer = t.Parent("customers", (*lead)[lead_customer], &v.dangling);
      if (customer) {
        const int s = std::stoi(*(*customer)[score]);
        auto& band = v.apr_by_band[s / 50];
        band.apr += std::stod(*row[apr]);
        band.score += s;
        ++band.n;
      }
    }
  }

  // The delivery date of the deal `key` (0 when the deal is missing).
  auto delivery = [&](const std::optional<std::string>& key) -> int64_t {
    const CsvRow* deal = t.Parent("deals", key, &v.dangling);
    return deal ? Seconds(*(*deal)[delivered]) : 0;
  };
  const int invoice_deal = t.Col("invoices", "deal_id"), issued = t.Col("invoices", "issued_on");
  for (const CsvRow& row : rows("invoices")) {
    const int64_t at = Seconds(*row[issued]), delivered_at = delivery(row[invoice_deal]);
    v.invoice_outside_week += at < delivered_at || at > delivered_at + 7 * kDay;
  }
  const int payment_invoice = t.Col("payments", "invoice_id"), paid = t.Col("payments", "paid_on"),
            payment_amount = t.Col("payments", "amount");
  std::map<std::string, int64_t> paid_cents;  // per invoice
  const CsvRow* previous_payment = nullptr;
  for (const CsvRow& row : rows("payments")) {
    if (previous_payment && (*previous_payment)[payment_invoice] == row[payment_invoice]) {
      v.payments_out_of_order += Seconds(*row[paid]) < Seconds(*(*previous_payment)[paid]);
    }
    previous_payment = &row;
    paid_cents[*row[payment_invoice]] += std::llround(std::stod(*row[payment_amount]) * 100);
    const CsvRow* invoice = t.Parent("invoices", row[payment_invoice], &v.dangling);
    if (invoice) v.payment_before_invoice += Seconds(*row[paid]) < Seconds(*(*invoice)[issued]);
  }
  // A paid invoice's payments add up to its total, the deal's price; an
  // open one's fall short; amount_paid is their sum.
  const int invoice_id = t.Col("invoices", "invoice_id"), total = t.Col("invoices", "total"),
            status = t.Col("invoices", "status"), amount_paid = t.Col("invoices", "amount_paid");
  for (const CsvRow& row : rows("invoices")) {
    const int64_t due = std::llround(std::stod(*row[total]) * 100), got = paid_cents[*row[invoice_id]];
    const CsvRow* deal = t.Parent("deals", row[invoice_deal], &v.dangling);
    if (deal) v.invoice_not_price += *row[total] != *(*deal)[price];
    v.paid_not_summing += *row[status] == "paid" && got != due;
    v.open_fully_paid += *row[status] == "open" && got >= due;
    v.amount_paid_wrong += std::llround(std::stod(*row[amount_paid]) * 100) != got;
  }
  const int order_deal = t.Col("service_orders", "deal_id"), order_opened = t.Col("service_orders", "opened_on");
  for (const CsvRow& row : rows("service_orders")) {
    v.outside_2025 += !InYear2025(*row[order_opened]);
    v.service_before_delivery += Seconds(*row[order_opened]) <= delivery(row[order_deal]);
  }
  const int claim_order = t.Col("warranty_claims", "service_order_id"), filed = t.Col("warranty_claims", "filed_on");
  for (const CsvRow& row : rows("warranty_claims")) {
    v.outside_2025 += !InYear2025(*row[filed]);
    const CsvRow* order = t.Parent("service_orders", row[claim_order], &v.dangling);
    if (!order) continue;
    const int64_t at = Seconds(*row[filed]);
    v.claim_before_service += at < Seconds(*(*order)[order_opened]);
    const CsvRow* deal = t.Parent("deals", (*order)[order_deal], &v.dangling);
    if (deal) {
      v.claim_outside_warranty += at < Seconds(*(*deal)[delivered]) || at > YearsAfter(*(*deal)[delivered], 3);
    }
  }
  const int event_deal = t.Col("telematics_events", "deal_id"), recorded = t.Col("telematics_events", "recorded_at");
  const int odometer = t.Col("telematics_events", "odometer");
  const CsvRow* previous_event = nullptr;
  for (const CsvRow& row : rows("telematics_events")) {
    v.telematics_before_delivery += Seconds(*row[recorded]) < delivery(row[event_deal]);
    v.outside_2025 += !InYear2025(*row[recorded]);
    // Per vehicle (deal), in file order: time rises, the odometer never
    // goes back.
    if (previous_event && (*previous_event)[event_deal] == row[event_deal]) {
      v.telematics_out_of_order += Seconds(*row[recorded]) < Seconds(*(*previous_event)[recorded]);
      v.odometer_went_back += std::stoll(*row[odometer]) < std::stoll(*(*previous_event)[odometer]);
    }
    previous_event = &row;
  }
  // Parts lines: each order's lines are numbered 1, 2, ... in the file.
  const CsvTable& parts = t.table.at("service_order_parts");
  const int part_order = parts.Column("service_order_id"), line = parts.Column("line_no");
  std::map<std::string, int> last_line;
  for (const CsvRow& row : parts.rows) {
    t.Parent("service_orders", row[part_order], &v.dangling);
    int& last = last_line[row[part_order].value_or("")];
    v.parts_lines_not_numbered += std::stoi(*row[line]) != last + 1;
    last = std::stoi(*row[line]);
  }
  return v;
}

// Every rule of the domain holds on every row: each count of rows breaking one is 0.
void ExpectEveryRuleHolds(const Violations& v) {
  EXPECT_EQ(v.dangling, 0);
  EXPECT_EQ(v.invalid_vin, 0);
  EXPECT_EQ(v.vin_not_of_year, 0);
  EXPECT_EQ(v.vin_not_of_make, 0);
  EXPECT_EQ(v.repeated_vin, 0);
  EXPECT_EQ(v.lead_in_two_deals, 0);
  EXPECT_EQ(v.vehicle_in_two_deals, 0);
  EXPECT_EQ(v.deal_without_vehicle, 0);
  EXPECT_EQ(v.salesperson_not_the_leads, 0);
  EXPECT_EQ(v.seller_not_a_salesperson, 0);
  EXPECT_EQ(v.seller_of_another_dealership, 0);
  EXPECT_EQ(v.hired_before_opening, 0);
  EXPECT_EQ(v.hired_under_18, 0);
  EXPECT_EQ(v.record_before_hire, 0);
  EXPECT_EQ(v.chain_not_from_hire, 0);
  EXPECT_EQ(v.chain_gap_or_overlap, 0);
  EXPECT_EQ(v.chain_last_not_open, 0);
  EXPECT_EQ(v.record_inverted, 0);
  EXPECT_EQ(v.payments_out_of_order, 0);
  EXPECT_EQ(v.telematics_out_of_order, 0);
  EXPECT_EQ(v.odometer_went_back, 0);
  EXPECT_EQ(v.outside_2025, 0);
  EXPECT_EQ(v.delivered_before_lead, 0);
  EXPECT_EQ(v.delivered_after_90_days, 0);
  EXPECT_EQ(v.invoice_outside_week, 0);
  EXPECT_EQ(v.payment_before_invoice, 0);
  EXPECT_EQ(v.service_before_delivery, 0);
  EXPECT_EQ(v.claim_before_service, 0);
  EXPECT_EQ(v.claim_outside_warranty, 0);
  EXPECT_EQ(v.telematics_before_delivery, 0);
  EXPECT_EQ(v.parts_lines_not_numbered, 0);
  EXPECT_EQ(v.score_out_of_range, 0);
  EXPECT_EQ(v.apr_for_cash, 0);
  EXPECT_EQ(v.apr_missing, 0);
  EXPECT_EQ(v.price_off_msrp, 0);
  EXPECT_EQ(v.invoice_not_price, 0);
  EXPECT_EQ(v.paid_not_summing, 0);
  EXPECT_EQ(v.open_fully_paid, 0);
  EXPECT_EQ(v.amount_paid_wrong, 0);
}

TEST(AutomotiveDomain, EveryRowTellsOneStory) {
  for (const char* seed : {"1", "2", "3"}) {
    SCOPED_TRACE(std::string("seed ") + seed);
    const fs::path dir = testing::MakeTempDir("seedforge-automotive");
    ASSERT_EQ(testing::RunCommand(testing::SeedforgeBinary() + " generate -q --domain automotive --scale 2 --seed " +
                                  seed + " --as-of 2026-01-01 --format csv --out " + dir.string()),
              0);
    const Tables t = Read(dir);
    const Violations v = Check(t);
    ExpectEveryRuleHolds(v);

    // The rate falls as the score rises: per 50-point band with enough
    // deals, the mean rate is 5.5 + (780 - mean score) x 0.04 (the formula
    // is linear), give or take the noise (sd 1) and the clamp at 1.9, which
    // lifts the top band's mean by at most 0.1 (E[max(0, 1.9 - X)] for X
    // normal of mean 2.7 and sd 1).
    double previous = 100;
    for (const auto& [key, band] : v.apr_by_band) {
      if (band.n < 200) continue;
      const double mean = band.apr / band.n, formula = 5.5 + (780 - band.score / band.n) * 0.04;
      EXPECT_NEAR(mean, formula, 0.1 + testing::MeanBound(1, band.n, testing::kOneComparison)) << "band " << key * 50;
      EXPECT_LT(mean, previous) << "band " << key * 50;
      previous = mean;
    }

    // The checks saw the rows they are about: at --scale 2 about 19,200
    // leads, 75% of them converted; about 576,000 telematics events.
    const double leads = static_cast<double>(t.table.at("leads").rows.size());
    const double deals = static_cast<double>(t.table.at("deals").rows.size());
    EXPECT_NEAR(deals / leads, 0.75, testing::ShareBound(0.75, leads, testing::kOneComparison));
    EXPECT_GT(t.table.at("telematics_events").rows.size(), 500000u);
    EXPECT_GT(t.table.at("warranty_claims").rows.size(), 3000u);

    // About 80% of the vehicles sold are trucks: each vehicle is a truck
    // with probability 0.8 and the deals take distinct vehicles, so the
    // share is binomial (bound 0.011 over 14,400; the VIN table's own mix,
    // 62% trucks, would miss by 0.18).
    const double trucks = static_cast<double>(v.sold_trucks) / static_cast<double>(v.sold);
    EXPECT_NEAR(trucks, 0.8, testing::ShareBound(0.8, static_cast<double>(v.sold), testing::kOneComparison));

    // Credit scores: a normal of mean 715 and sd 75 clamped to [300, 850],
    // whose mean is 715 - 75 (phi(1.8) - 1.8 (1 - Phi(1.8))) = 713.93, plus
    // at most 0.5 from rounding to whole points.
    const double mean = v.score_sum / static_cast<double>(v.scores);
    EXPECT_NEAR(mean, 713.93,
                0.5 + testing::MeanBound(75, static_cast<double>(v.scores), testing::kOneComparison));
    fs::remove_all(dir);
  }
}

TEST(AutomotiveDomain, SameBytesForOneAndThreeThreads) {
  // Rules regenerate the parents they read, so the bytes do not depend on
  // which thread made which batch.
  const fs::path dir = testing::MakeTempDir("seedforge-automotive-threads");
  for (const char* threads : {"1", "3"}) {
    ASSERT_EQ(testing::RunCommand(testing::SeedforgeBinary() + " generate -q --domain automotive --threads " +
                                  threads + " --as-of 2026-01-01 --format csv --out " + (dir / threads).string()),
              0);
  }
  for (const char* file : {"staff.csv", "vehicles.csv", "deals.csv", "invoices.csv", "payments.csv",
                           "service_orders.csv", "warranty_claims.csv", "telematics_events.csv"}) {
    EXPECT_EQ(testing::ReadFile(dir / "1" / file), testing::ReadFile(dir / "3" / file)) << file;
  }
  fs::remove_all(dir);
}

TEST(AutomotiveDomain, VolumeControlKeepsTheStory) {
  // The example, scaled down: fixed totals for two entities; the
  // others adjust, and every link, rule and history still holds.
  const fs::path dir = testing::MakeTempDir("seedforge-automotive-volume");
  ASSERT_EQ(testing::RunCommand(testing::SeedforgeBinary() +
                                " generate -q --domain automotive --rows telematics_events=100000 --rows deals=200"
                                " --seed 4 --as-of 2026-01-01 --format csv --out " + dir.string()),
            0);
  const Tables t = Read(dir);
  EXPECT_EQ(t.table.at("telematics_events").rows.size(), 100000u);
  EXPECT_EQ(t.table.at("deals").rows.size(), 200u);
  EXPECT_EQ(t.table.at("vehicles").rows.size(), 200u);
  ExpectEveryRuleHolds(Check(t));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge
