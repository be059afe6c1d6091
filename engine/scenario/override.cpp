// --set overrides: "field.path=value" applied by reflection, so every scalar field of the schema
// can be overridden without a table to keep in step with the .proto.
//
// Grammar: PATH=VALUE; PATH is NAME([INDEX])?(.NAME([INDEX])?)*; NAME a field's proto name (or its
// lowerCamelCase JSON name); INDEX an element of a repeated field that must already exist. Problems
// are reported at "--set[i]:1:COL" where COL is the 1-based column of the offending part.
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "scenario/detail.h"
#include "scenario/scenario.h"

namespace courtyard {

using namespace scenario_detail;

namespace {

// Appends a default element to a repeated scalar field, to be set right after.
void append_default(const pb::Reflection* refl, pb::Message* message, const pb::FieldDescriptor* field) {
  switch (field->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32: refl->AddInt32(message, field, 0); break;
    case pb::FieldDescriptor::CPPTYPE_INT64: refl->AddInt64(message, field, 0); break;
    case pb::FieldDescriptor::CPPTYPE_UINT32: refl->AddUInt32(message, field, 0); break;
    case pb::FieldDescriptor::CPPTYPE_UINT64: refl->AddUInt64(message, field, 0); break;
    case pb::FieldDescriptor::CPPTYPE_DOUBLE: refl->AddDouble(message, field, 0); break;
    case pb::FieldDescriptor::CPPTYPE_FLOAT: refl->AddFloat(message, field, 0); break;
    case pb::FieldDescriptor::CPPTYPE_BOOL: refl->AddBool(message, field, false); break;
    case pb::FieldDescriptor::CPPTYPE_ENUM: refl->AddEnum(message, field, field->enum_type()->value(0)); break;
    case pb::FieldDescriptor::CPPTYPE_STRING: refl->AddString(message, field, ""); break;
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: break;
  }
}


// One NAME[INDEX] segment of a path, with 1-based columns into the assignment.
struct Segment {
  std::string name;
  int name_column = 0;
  int index = -1;  // -1: none given
  int index_column = 0;
};

class OverrideParser {
 public:
  OverrideParser(const std::string& assignment, int index)
      : text_(assignment), where_("--set[" + std::to_string(index) + "]") {}

  [[noreturn]] void fail(int column, const std::string& field, const std::string& message) const {
    throw ScenarioError({make_diagnostic({where_, 1, column}, field, message)});
  }
  const std::string& where() const { return where_; }

  // Splits the path (text before '=') into segments.
  std::vector<Segment> segments(size_t end) const {
    std::vector<Segment> out;
    size_t i = 0;
    for (;;) {
      Segment s;
      s.name_column = static_cast<int>(i) + 1;
      while (i < end && (std::isalnum(static_cast<unsigned char>(text_[i])) || text_[i] == '_')) s.name += text_[i++];
      if (s.name.empty() || std::isdigit(static_cast<unsigned char>(s.name[0])))
        fail(s.name_column, "", "expected a field name");
      if (i < end && text_[i] == '[') {
        s.index_column = static_cast<int>(++i) + 1;
        const size_t close = text_.find(']', i);
        if (close == std::string::npos || close > end) fail(s.index_column - 1, "", "expected ']' after the index");
        const std::string digits = text_.substr(i, close - i);
        int value = 0;
        const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (digits.empty() || r.ec != std::errc() || r.ptr != digits.data() + digits.size() || value < 0)
          fail(s.index_column, "", "expected an element index (0, 1, ...), got \"" + digits + "\"");
        s.index = value;
        i = close + 1;
      }
      out.push_back(std::move(s));
      if (i == end) return out;
      if (text_[i] != '.') fail(static_cast<int>(i) + 1, "", std::string("unexpected '") + text_[i] + "' in the path");
      ++i;
    }
  }

 private:
  const std::string& text_;
  std::string where_;
};

template <typename T>
bool parse_integer(const std::string& s, T* out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_real(const std::string& s, double* out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

namespace scenario_detail {

OverrideSite apply_override_site(courtyard::v1::Scenario* spec, const std::string& assignment, int index) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("--set[" + std::to_string(index) + "]: expected PATH=VALUE, got \"" + assignment + "\"");
  OverrideParser parser(assignment, index);
  const std::vector<Segment> segments = parser.segments(eq);
  const std::string value = assignment.substr(eq + 1);
  const int value_column = static_cast<int>(eq) + 2;

  // walk a copy, so that a bad override leaves the scenario as it was
  courtyard::v1::Scenario copy = *spec;
  pb::Message* message = &copy;
  std::string path;
  for (size_t k = 0; k < segments.size(); ++k) {
    const Segment& s = segments[k];
    const pb::Descriptor* type = message->GetDescriptor();
    const pb::Reflection* refl = message->GetReflection();
    const pb::FieldDescriptor* field = type->FindFieldByName(s.name);
    if (!field) field = type->FindFieldByCamelcaseName(s.name);
    const std::string shown = path + (path.empty() ? "" : ".") + (field ? field->name() : s.name);
    if (!field) parser.fail(s.name_column, shown, "unknown field \"" + s.name + "\" in " + type->name() + did_you_mean(type, s.name));
    path = shown;

    // elements of repeated fields, which must exist
    if (s.index >= 0) {
      if (!field->is_repeated())
        parser.fail(s.index_column - 1, path, "\"" + field->name() + "\" is not a repeated field: drop the index");
      const int size = refl->FieldSize(*message, field);
      // one past the end of a repeated scalar appends to it (metrics[2]=... on a list of two)
      const bool append = s.index == size && k + 1 == segments.size() &&
                          field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE;
      if (s.index >= size && !append)
        parser.fail(s.index_column, path + "[" + std::to_string(s.index) + "]",
                    "index " + std::to_string(s.index) + " is past the end (" + std::to_string(size) +
                        (size == 1 ? " element)" : " elements)"));
      if (append) append_default(refl, message, field);
      path += "[" + std::to_string(s.index) + "]";
    } else if (field->is_repeated()) {
      parser.fail(s.name_column, path, "\"" + field->name() + "\" is a repeated field: give an element, as " +
                                           field->name() + "[0]");
    }

    const bool is_message = field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE;
    if (k + 1 < segments.size()) {
      // a message on the way: descend, creating a singular one if absent
      if (!is_message)
        parser.fail(segments[k + 1].name_column, path, "\"" + field->name() + "\" is not a message: it has no fields");
      message = s.index >= 0 ? refl->MutableRepeatedMessage(message, field, s.index) : refl->MutableMessage(message, field);
      continue;
    }
    if (is_message)
      parser.fail(s.name_column, path, "\"" + field->name() + "\" is a message: set one of its fields, as " + path +
                                           "." + field->message_type()->field(0)->name() + "=VALUE");

    // the value, by the field's type
    const bool rep = s.index >= 0;
    auto bad_value = [&](const std::string& what) {
      parser.fail(value_column, path, "cannot read \"" + value + "\" as " + what);
    };
    switch (field->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_INT32: {
        int32_t v = 0;
        if (!parse_integer(value, &v)) bad_value("an integer (int32)");
        rep ? refl->SetRepeatedInt32(message, field, s.index, v) : refl->SetInt32(message, field, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_INT64: {
        int64_t v = 0;
        if (!parse_integer(value, &v)) bad_value("an integer (int64)");
        rep ? refl->SetRepeatedInt64(message, field, s.index, v) : refl->SetInt64(message, field, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_UINT32: {
        uint32_t v = 0;
        if (value.starts_with('-') || !parse_integer(value, &v)) bad_value("an unsigned integer (uint32)");
        rep ? refl->SetRepeatedUInt32(message, field, s.index, v) : refl->SetUInt32(message, field, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_UINT64: {
        uint64_t v = 0;
        if (value.starts_with('-') || !parse_integer(value, &v)) bad_value("an unsigned integer (uint64)");
        rep ? refl->SetRepeatedUInt64(message, field, s.index, v) : refl->SetUInt64(message, field, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      case pb::FieldDescriptor::CPPTYPE_FLOAT: {
        double v = 0;
        if (!parse_real(value, &v) || !std::isfinite(v)) bad_value("a finite number");
        if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_DOUBLE) {
          rep ? refl->SetRepeatedDouble(message, field, s.index, v) : refl->SetDouble(message, field, v);
        } else {
          if (std::fabs(v) > std::numeric_limits<float>::max()) bad_value("a float");
          const auto f = static_cast<float>(v);
          rep ? refl->SetRepeatedFloat(message, field, s.index, f) : refl->SetFloat(message, field, f);
        }
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_BOOL: {
        bool v = false;
        if (value == "true" || value == "1") {
          v = true;
        } else if (value == "false" || value == "0") {
          v = false;
        } else {
          bad_value("true or false");
        }
        rep ? refl->SetRepeatedBool(message, field, s.index, v) : refl->SetBool(message, field, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_ENUM: {
        // by name, or by number
        const pb::EnumDescriptor* type_enum = field->enum_type();
        const pb::EnumValueDescriptor* v = type_enum->FindValueByName(value);
        int number = 0;
        if (!v && parse_integer(value, &number)) v = type_enum->FindValueByNumber(number);
        if (!v) {
          std::string names;
          for (int i = 0; i < type_enum->value_count(); ++i) names += (i ? ", " : "") + type_enum->value(i)->name();
          bad_value("a " + type_enum->name() + " (" + names + ")");
        }
        rep ? refl->SetRepeatedEnum(message, field, s.index, v) : refl->SetEnum(message, field, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_STRING:
        rep ? refl->SetRepeatedString(message, field, s.index, value) : refl->SetString(message, field, value);
        break;
      case pb::FieldDescriptor::CPPTYPE_MESSAGE:
        break;  // handled above
    }
  }

  *spec = std::move(copy);
  return {path, {parser.where(), 1, value_column}};
}

const google::protobuf::FieldDescriptor* override_field(const std::string& path) {
  const google::protobuf::Descriptor* type = courtyard::v1::Scenario::descriptor();
  const google::protobuf::FieldDescriptor* field = nullptr;
  size_t i = 0;
  while (i <= path.size()) {
    size_t end = path.find('.', i);
    if (end == std::string::npos) end = path.size();
    std::string segment = path.substr(i, end - i);
    const size_t bracket = segment.find('[');
    if (bracket != std::string::npos) segment.resize(bracket);
    if (!type) return nullptr;
    field = type->FindFieldByName(segment);
    if (!field) field = type->FindFieldByCamelcaseName(segment);
    if (!field) return nullptr;
    type = field->message_type();
    i = end + 1;
  }
  return field;
}

}  // namespace scenario_detail

void apply_override(courtyard::v1::Scenario* spec, const std::string& assignment, int index) {
  apply_override_site(spec, assignment, index);
}

}  // namespace courtyard
