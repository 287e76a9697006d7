// Terminal text: display width of UTF-8 strings and padding to a number of columns, shared by
// every table zonesim prints (the target table, sweep reports, `zonesim effects`).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace zonesim {

// Columns `text` takes in a terminal: East Asian wide characters (CJK ideographs and
// punctuation, fullwidth forms, Hangul) take two, combining marks none, everything else one.
std::size_t display_width(std::string_view text);
// `text` padded with spaces to `columns` display columns (left-aligned; right-aligned when
// `right`); text as wide as or wider than `columns` is returned unchanged.
std::string pad_to_width(std::string_view text, std::size_t columns, bool right = false);
// A table of cells aligned by display width: each column as wide as its widest cell, columns
// separated by `gap` spaces, trailing spaces removed; `right[c]` right-aligns column c.
std::string format_columns(const std::vector<std::vector<std::string>>& rows, std::size_t gap = 2,
                           const std::vector<bool>& right = {});
// A number for a table cell with three or four significant figures: 1234, 123.4, 12.34, 0.123;
// "n/a" when it is not finite.
std::string short_number(double value);

}  // namespace zonesim
