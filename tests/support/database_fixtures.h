// Small databases with a known ground truth, written as folders of CSV files
// (plus schema.yaml where names cannot say the links), for the tests of
// database learning: the learner's decisions (generator/learn/database_test.cpp)
// and learning then generating (tests/learn_database_test.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace seedforge::testing {

void WriteTextFile(const std::filesystem::path& path, const std::string& text);

// parents.csv (parent_id, x uniform in [0, 1)) and children.csv (child_id,
// parent_id, v): Poisson(1 + 3x) children per parent.
void WriteCountsDependOnX(const std::filesystem::path& dir, uint64_t seed, size_t parents);

// patients.csv (patient_id, sex, treatment, age) and visits.csv (visit_id,
// patient_id, sex, treatment, score): every visit repeats its patient's sex
// and treatment. Returns the visits file's text.
std::string WritePatientsVisits(const std::filesystem::path& dir);

// patients.csv (patient_id, stage I-IV, age) and visits.csv (visit_id,
// patient_id, cost, visited_on): stage k (0-3) has 0 to 2 + 2k visits, each
// costing N(100 (k + 1), 30^2).
void WriteStagedVisits(const std::filesystem::path& dir);

// airports.csv (airport_id, region: north/south/east by id mod 3, size),
// flights.csv (flight_id, origin, destination, minutes) and schema.yaml:
// never to the origin itself, 80% of flights to an airport of the origin's
// region (plus the third of the rest that lands there by chance).
void WriteFlights(const std::filesystem::path& dir);

// employees.csv (employee_id, reports_to: an earlier employee, NULL for the
// first of 40; level), playlists.csv, tracks.csv, playlist_track.csv (a
// junction whose key is both links, no pair twice) and schema.yaml.
void WriteMusic(const std::filesystem::path& dir);

// media_types.csv (4 named types, one of them video), albums.csv (200, a
// year each) and tracks.csv (track_id, media_type_id, album_id, megabytes,
// price; 3 to 17 tracks an album): a video track is 300-500 MB at 1.99, an
// audio track 5-15 MB at 0.99, and one track in ten is a video. Links are
// left to be inferred.
void WriteCatalogue(const std::filesystem::path& dir);

}  // namespace seedforge::testing
