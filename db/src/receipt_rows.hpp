// One line of the receipts journal as a row (db/migrations/018_money.sql), shared by the
// money store and the bike register's (a sale's payment, in the sale's transaction). Private
// to db/src. Layer: db. Thread: the one that owns the store's connection.
#pragma once

#include <etabli/core/money.hpp>
#include <etabli/db/database.hpp>

#include <expected>

namespace etabli::db::receipt_rows {

// Appends the line with its event (receipt.recorded or receipt.corrected); returns its id.
// A closed day, a second correction of a line or a reference already imported refuses it.
std::expected<core::ReceiptId, core::Problem> insert(Connection& c, const core::Receipt& r);
// Reads a row selected with ETABLI_RECEIPT_COLUMNS (money_store.cpp).
std::expected<core::Receipt, core::Problem> read(const Statement& st);

}  // namespace etabli::db::receipt_rows
