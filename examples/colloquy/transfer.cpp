#include "transfer.hpp"

#include <sqlite3.h>
#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <new>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "colloquy/api.hpp"
#include "colloquy/import.hpp"
#include "colloquy/json_writer.hpp"
#include "store.hpp"

namespace colloquy::server {

namespace {

// Reads FILE (stdin for "" and "-") up to limits::max_import_bytes; false with a reason, and
// `usage` set when the argument is no file to read (none there, a directory).
bool read_file(const std::string& path, std::string& out, std::string& why, bool& usage) {
  const std::size_t cap = limits::max_import_bytes;
  // In steps, so memory follows the file's size, not the cap.
  auto read_capped = [&](std::istream& in) {
    out.clear();
    std::vector<char> step(std::size_t(1) << 20);
    while (in && out.size() <= cap) {
      in.read(step.data(), static_cast<std::streamsize>(step.size()));
      out.append(step.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (out.size() > cap) {
      why = std::string(errc::document_too_large) + ": the file is larger than 512 MB";
      return false;
    }
    return true;
  };
  if (path.empty() || path == "-") return read_capped(std::cin);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    usage = true;
    why = path + " is a directory, not a file";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    usage = true;
    why = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  return read_capped(in);
}

// A gzip file (Remark42 writes its backups gzipped) inflated, at most limits::max_import_bytes.
// Members written one after another (`cat a.gz b.gz`, a backup appended to) are read one after
// another, as gzip -d reads them; zero bytes after the last (padding) are ignored.
// `first_line`, when given, is shown the first line that is not blank as soon as it is inflated
// whole (ended by '\n'; blank: spaces, tabs and CRs only, as import_remark42 reads lines), or
// only its first byte when that cannot begin a JSON object; when it answers false, nothing more
// is inflated and gunzip returns false with `why` empty.
bool gunzip(std::string& data, std::string& why, const std::function<bool(std::string_view)>& first_line = nullptr) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
    why = "cannot start gzip decompression";
    return false;
  }
  // Inflated into blocks of 1 MB, joined once at the end: a string grown by doubling held twice
  // the limit (1 GB of memory) before a file over it was refused. The blocks leave room for one
  // byte past the limit at most: a file over it shows itself by that byte.
  constexpr std::size_t block = std::size_t(1) << 20;
  std::vector<std::string> blocks;
  std::size_t total = 0, used = 0;  // all bytes inflated; those in the last block
  // The first line that is not blank, by offsets in all bytes inflated: where the line being
  // read begins, and whether it has anything but blanks yet.
  std::size_t line_begin = 0;
  bool filled = false, shown = !first_line;
  z.next_in = reinterpret_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END && total <= limits::max_import_bytes) {
    if (blocks.empty() || used == blocks.back().size()) {
      blocks.emplace_back(std::min(block, limits::max_import_bytes + 1 - total), '\0');
      used = 0;
    }
    z.next_out = reinterpret_cast<Bytef*>(blocks.back().data() + used);
    z.avail_out = static_cast<uInt>(blocks.back().size() - used);
    rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t made = blocks.back().size() - used - z.avail_out;
    const std::string_view fresh(blocks.back().data() + used, made);
    used += made;
    total += made;
    for (std::size_t i = 0; !shown && i < fresh.size();) {
      if (!filled) {
        if (fresh[i] == '\n') line_begin = total - made + i + 1;
        else filled = fresh[i] != ' ' && fresh[i] != '\t' && fresh[i] != '\r';
        if (!filled) {
          ++i;
        } else if (fresh[i] != '{' && fresh[i] != '\xEF') {
          // No JSON object (nor a byte order mark before one) starts here: the line's first
          // byte is enough to answer, before a newline that may never come.
          shown = true;
          if (!first_line(fresh.substr(i, 1))) {
            inflateEnd(&z);
            return false;
          }
        }
        continue;
      }
      const std::size_t end = fresh.find('\n', i);
      if (end == std::string_view::npos) break;
      shown = true;
      // Blocks are all `block` bytes but the last: the line lies in one, or is copied out of several.
      const std::size_t stop = total - made + end;  // its '\n'
      std::string_view line;
      std::string joined;
      if (line_begin / block == stop / block) {
        line = std::string_view(blocks[stop / block]).substr(line_begin % block, stop - line_begin);
      } else {
        joined.reserve(stop - line_begin);
        for (std::size_t at = line_begin; at < stop; at = (at / block + 1) * block)
          joined.append(blocks[at / block], at % block, std::min(stop, (at / block + 1) * block) - at);
        line = joined;
      }
      if (!first_line(line)) {
        inflateEnd(&z);
        return false;
      }
    }
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    if (rc == Z_STREAM_END) {
      while (z.avail_in > 0 && *z.next_in == 0) ++z.next_in, --z.avail_in;
      if (z.avail_in > 0 && inflateReset(&z) == Z_OK) rc = Z_OK;  // another member (or not gzip: damaged)
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) break;  // truncated input
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END || total > limits::max_import_bytes) {
    why = total > limits::max_import_bytes
              ? std::string(errc::document_too_large) + ": the decompressed file is larger than 512 MB"
              : "the gzip file is damaged or truncated";
    return false;
  }
  if (!blocks.empty()) blocks.back().resize(used);
  std::string().swap(data);  // the compressed bytes are done with
  data.reserve(total);
  for (std::string& b : blocks) {
    data += b;
    std::string().swap(b);
  }
  return true;
}

// Isso's database: every comment with its thread's uri. Read-only: the file is never changed.
bool read_isso(const std::string& path, std::vector<isso_row>& rows, std::string& why) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    why = "cannot open " + path + " as an SQLite database: " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close_v2(db);
    return false;
  }
  sqlite3_stmt* s = nullptr;
  const char* sql =
      "SELECT c.id, c.parent, c.created, c.modified, c.mode, t.uri, c.text, c.author, c.website, c.likes, "
      "c.dislikes FROM comments c JOIN threads t ON c.tid = t.id ORDER BY c.id";
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
    why = path + " is not an Isso database (" + sqlite3_errmsg(db) + ")";
    sqlite3_close_v2(db);
    return false;
  }
  auto text = [&](int i) {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
  };
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    isso_row r;
    r.id = sqlite3_column_int64(s, 0);
    if (sqlite3_column_type(s, 1) != SQLITE_NULL) r.parent = sqlite3_column_int64(s, 1);
    // SQLite keeps any value in any column: a time that is not a number (text, NULL) is not
    // 1970, but no time at all (NaN: import_isso skips the comment as bad_date).
    auto seconds = [&](int i) {
      const int type = sqlite3_column_type(s, i);
      return type == SQLITE_INTEGER || type == SQLITE_FLOAT ? sqlite3_column_double(s, i) : std::nan("");
    };
    r.created = seconds(2);
    if (sqlite3_column_type(s, 3) != SQLITE_NULL) r.modified = seconds(3);
    r.mode = sqlite3_column_int64(s, 4);
    r.uri = text(5);
    r.text = text(6);
    r.author = text(7);
    r.website = text(8);
    r.likes = sqlite3_column_int64(s, 9);
    r.dislikes = sqlite3_column_int64(s, 10);
    rows.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) why = std::string("reading ") + path + " failed: " + sqlite3_errmsg(db);
  sqlite3_finalize(s);
  sqlite3_close_v2(db);
  return rc == SQLITE_DONE;
}

stored_comment to_stored(const imported_comment& c) {
  stored_comment s;
  s.id = c.id;
  s.parent = c.parent;
  s.name = c.name;
  s.location = c.location;
  s.url = c.url;
  s.created = c.created;
  s.edited = c.edited;
  s.text = c.text;
  s.status = c.status;
  s.client_id = c.key;
  s.up = c.up;
  s.down = c.down;
  s.status_before_delete = c.status_before_delete;
  return s;
}

// "12 comments (10 published, 1 pending, 1 rejected)"
// "1 thread", "2 threads": a count and its noun, in the plural unless the count is one.
std::string counted(std::size_t n, const char* noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

std::string counts(const imported_thread& t) {
  std::map<std::string, std::size_t> by_status;
  for (const imported_comment& c : t.comments) ++by_status[c.status];
  std::string out = counted(t.comments.size(), "comment") + " (";
  bool first = true;
  for (const char* s : {"published", "pending", "deleted", "rejected"}) {
    if (!by_status[s]) continue;
    out += (first ? "" : ", ") + std::to_string(by_status[s]) + " " + s;
    first = false;
  }
  return out + ")";
}

import_result read_source(const import_options& o, std::string& why, bool& usage) {
  if (o.from == "isso") {
    std::vector<isso_row> rows;
    if (o.file.empty() || o.file == "-") {
      usage = true;
      why = "--from isso reads Isso's database file: give its path, not standard input";
      return {};
    }
    if (!std::filesystem::is_regular_file(o.file)) {
      usage = true;
      why = "no database file at " + o.file;
      return {};
    }
    if (!read_isso(o.file, rows, why)) return {};
    return import_isso(rows);
  }
  std::string bytes;
  // No such file, or a directory: a usage error (exit 2), as for every command; a file too
  // large is unusable input (exit 1).
  if (!read_file(o.file, bytes, why, usage)) return {};
  if (o.from == "disqus") return import_disqus(bytes);
  if (o.from == "wordpress") return import_wordpress(bytes);
  if (o.from == "remark42") {
    // A gzipped backup's first line is checked as soon as it is inflated: a file that is no
    // backup is refused then, not after the whole of it was inflated (up to 512 MB).
    std::optional<import_result> refused;
    auto header = [&](std::string_view line) { return !(refused = remark42_header_refusal(line)); };
    if (bytes.size() >= 2 && bytes[0] == '\x1f' && bytes[1] == '\x8b' && !gunzip(bytes, why, header))
      return refused ? std::move(*refused) : import_result{};
    return import_remark42(bytes);
  }
  return import_documents(bytes);
}

}  // namespace

int run_import(const import_options& o) {
  if (o.from != "disqus" && o.from != "wordpress" && o.from != "isso" && o.from != "remark42" && o.from != "json") {
    std::fprintf(stderr, "colloquy import: --from must be disqus, wordpress, isso, remark42 or json%s%s\n",
                 o.from_given ? ", not " : "", o.from_given ? cli::named(o.from).c_str() : "");
    return 2;
  }
  if (o.db.empty() && !o.dry_run) {
    std::fprintf(stderr, "colloquy import: --db DB is required (or --dry-run)\n");
    return 2;
  }
  std::error_code ec;
  if (!o.db.empty() && !store::is_postgresql(o.db) && std::filesystem::is_directory(o.db, ec)) {
    std::fprintf(stderr, "colloquy import: --db %s is a directory, not a database file\n", o.db.c_str());
    return 2;
  }
  std::string why;
  bool usage = false;
  import_result r;
  try {
    r = read_source(o, why, usage);
  } catch (const std::bad_alloc&) {
    // A file within the size limit whose reading still needs more memory than the machine
    // gives (ulimit -v, a container's limit): said plainly, exit 1, never an abort.
    why = std::string(errc::document_too_large) + ": reading the file needs more memory than is available";
  }
  const std::string name = o.file.empty() || o.file == "-" ? "<stdin>" : o.file;
  if (!why.empty()) {
    std::fprintf(stderr, "colloquy import: %s\n", why.c_str());
    return usage ? 2 : 1;
  }
  if (!r.ok) {
    std::fprintf(stderr, "colloquy import: %s: %s: %s\n", name.c_str(), r.error.code.c_str(), r.error.message.c_str());
    return 1;
  }
  for (const problem& p : r.problems) {
    std::string line;
    json_writer w(line);
    write_json(w, p);
    std::fprintf(stderr, "colloquy import: skipped or repaired: %s\n", line.c_str());
  }
  if (r.problems.omitted()) std::fprintf(stderr, "colloquy import: ... and %zu more problems\n", r.problems.omitted());

  std::unique_ptr<store> db;
  if (!o.dry_run) {
    db = store::open(o.db, why);
    if (!db) {
      std::fprintf(stderr, "colloquy import: %s: %s\n", o.db.c_str(), why.c_str());
      return 1;
    }
  }
  std::size_t total = 0, added = 0;
  for (const imported_thread& t : r.threads) {
    total += t.comments.size();
    if (o.dry_run) {
      std::printf("%s: %s\n", t.thread.c_str(), counts(t).c_str());
      continue;
    }
    std::vector<stored_comment> rows;
    rows.reserve(t.comments.size());
    for (const imported_comment& c : t.comments) rows.push_back(to_stored(c));
    long n = db->import_comments(t.thread, rows, why);
    if (n < 0) {
      std::fprintf(stderr, "colloquy import: %s: writing thread %s failed: %s\n", o.db.c_str(), t.thread.c_str(),
                   why.c_str());
      return 1;
    }
    added += static_cast<std::size_t>(n);
    std::printf("%s: %s: %ld added, %zu already there\n", t.thread.c_str(), counts(t).c_str(), n,
                t.comments.size() - static_cast<std::size_t>(n));
  }
  const std::size_t problems = r.problems.total();
  const std::string threads = counted(r.threads.size(), "thread"), comments = counted(total, "comment"),
                    items = counted(problems, "item");
  if (o.dry_run)
    std::printf("total: %s, %s, %s skipped or repaired (dry run: nothing written)\n", threads.c_str(), comments.c_str(),
                items.c_str());
  else
    std::printf("total: %s, %s, %zu added, %zu already there, %s skipped or repaired\n", threads.c_str(),
                comments.c_str(), added, total - added, items.c_str());
  return 0;
}

int run_export(const std::string& path, const std::string& thread) {
  // A SQLite path must name an existing file: export never creates a database.
  if (!store::is_postgresql(path)) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::fprintf(stderr, "colloquy export: --db %s is a directory, not a database file\n", path.c_str());
      return 2;
    }
    if (!std::filesystem::is_regular_file(path, ec)) {
      std::fprintf(stderr, "colloquy export: no database at %s\n", cli::named(path).c_str());
      return 1;
    }
  }
  std::string why;
  auto db = store::open(path, why);
  if (!db) {
    std::fprintf(stderr, "colloquy export: %s: %s\n", path.c_str(), why.c_str());
    return 1;
  }
  std::vector<stored_comment> all = db->all_comments(thread);  // by thread
  // Rejected comments (spam, refused by a moderator), deleted or not, are nobody's to read: not
  // in documents. One that a comment left in answers stays as a deleted comment with nothing of
  // its own (no text, no author), so the reply keeps its place under it, as the widget shows it.
  auto rejected_one = [](const stored_comment& c) {
    return c.status == "rejected" || (c.status == "deleted" && c.status_before_delete == "rejected");
  };
  std::size_t rejected = 0, kept = 0;
  nlohmann::json comments = nlohmann::json::array();
  for (std::size_t begin = 0, end = 0; begin < all.size(); begin = end) {
    std::map<std::string_view, std::size_t> by_id;
    for (end = begin; end < all.size() && all[end].thread == all[begin].thread; ++end) by_id.emplace(all[end].id, end);
    std::vector<bool> answered(end - begin, false);  // rejected, with a reply left in below it
    for (std::size_t i = begin; i < end; ++i) {
      if (rejected_one(all[i])) continue;
      // Up through rejected parents; each is marked once, so a cycle or a long chain ends.
      for (auto p = by_id.find(all[i].parent);
           p != by_id.end() && rejected_one(all[p->second]) && !answered[p->second - begin];
           p = by_id.find(all[p->second].parent))
        answered[p->second - begin] = true;
    }
    for (std::size_t i = begin; i < end; ++i) {
      const stored_comment& c = all[i];
      const bool placeholder = answered[i - begin];
      if (rejected_one(c) && !placeholder) {
        ++rejected;
        continue;
      }
      kept += placeholder;
      nlohmann::json author = {{"name", placeholder ? "" : c.name}};
      if (!placeholder && !c.location.empty()) author["location"] = c.location;
      if (!placeholder && !c.url.empty()) author["url"] = c.url;
      nlohmann::json j = {{"id", c.id},
                          {"parent", c.parent.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.parent)},
                          {"author", std::move(author)},
                          {"created", format_iso8601(c.created)},
                          {"text", placeholder ? "" : c.text},
                          {"votes", {{"up", placeholder ? 0 : c.up}, {"down", placeholder ? 0 : c.down}}},
                          {"status", placeholder ? "deleted" : c.status}};
      if (c.edited && !placeholder) j["edited"] = format_iso8601(c.edited);
      // A comment deleted while it awaited moderation was never shown: the copy must not list
      // it either, and a restore there gives it back pending (README, "Import and export").
      // A rejected one's placeholder is not listed by the API either, only rendered.
      if (placeholder) j["statusBeforeDelete"] = "rejected";
      else if (c.status == "deleted" && c.status_before_delete == "pending") j["statusBeforeDelete"] = "pending";
      // Its text stays (a moderator's restore gives it back, in the copy as in the original);
      // the export is as private as the database. Readers never get it: not the API, not render.
      comments.push_back(std::move(j));
    }
    nlohmann::json doc = {{"thread", all[begin].thread}, {"comments", std::move(comments)}};
    std::puts(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    comments = nlohmann::json::array();
  }
  if (all.empty() && !thread.empty()) {
    nlohmann::json doc = {{"thread", thread}, {"comments", nlohmann::json::array()}};
    std::puts(doc.dump().c_str());
  }
  if (kept)
    std::fprintf(stderr, "colloquy export: %zu rejected comments with replies kept as deleted, with no text\n", kept);
  if (rejected) std::fprintf(stderr, "colloquy export: %zu rejected comments left out\n", rejected);
  return 0;
}

}  // namespace colloquy::server
