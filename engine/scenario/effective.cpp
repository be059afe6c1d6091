// The effective scenario: the file plus overrides with every schema default written out, so that
// what a run used can be read (`courtyard print`), hashed and stored in the output as it is.
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include "scenario/detail.h"
#include "scenario/scenario.h"

namespace courtyard {

using namespace scenario_detail;

namespace scenario_detail {

namespace {

// Sets every unset field with a [default = ...] in `m` and, recursively, in its present messages.
// Oneof members and absent messages (a Dist, a tenure mix) are left as they are.
void fill_message(pb::Message* m) {
  const pb::Descriptor* type = m->GetDescriptor();
  const pb::Reflection* refl = m->GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const pb::FieldDescriptor* f = type->field(i);
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int k = 0; k < refl->FieldSize(*m, f); ++k) fill_message(refl->MutableRepeatedMessage(m, f, k));
      } else if (refl->HasField(*m, f)) {
        fill_message(refl->MutableMessage(m, f));
      }
      continue;
    }
    if (f->is_repeated() || !f->has_default_value() || f->containing_oneof() || refl->HasField(*m, f)) continue;
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_INT32: refl->SetInt32(m, f, f->default_value_int32()); break;
      case pb::FieldDescriptor::CPPTYPE_INT64: refl->SetInt64(m, f, f->default_value_int64()); break;
      case pb::FieldDescriptor::CPPTYPE_UINT32: refl->SetUInt32(m, f, f->default_value_uint32()); break;
      case pb::FieldDescriptor::CPPTYPE_UINT64: refl->SetUInt64(m, f, f->default_value_uint64()); break;
      case pb::FieldDescriptor::CPPTYPE_DOUBLE: refl->SetDouble(m, f, f->default_value_double()); break;
      case pb::FieldDescriptor::CPPTYPE_FLOAT: refl->SetFloat(m, f, f->default_value_float()); break;
      case pb::FieldDescriptor::CPPTYPE_BOOL: refl->SetBool(m, f, f->default_value_bool()); break;
      case pb::FieldDescriptor::CPPTYPE_ENUM: refl->SetEnum(m, f, f->default_value_enum()); break;
      case pb::FieldDescriptor::CPPTYPE_STRING: refl->SetString(m, f, f->default_value_string()); break;
      case pb::FieldDescriptor::CPPTYPE_MESSAGE: break;
    }
  }
}

}  // namespace

void fill_defaults(courtyard::v1::Scenario* spec) {
  // the messages every run has
  spec->mutable_run()->mutable_output();
  spec->mutable_subdistrict();
  pb::Message* behaviour = spec->mutable_behaviour();
  const pb::Descriptor* type = behaviour->GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i)
    if (type->field(i)->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE && !type->field(i)->is_repeated())
      behaviour->GetReflection()->MutableMessage(behaviour, type->field(i));

  fill_message(spec);
  if (spec->communities_size() == 0) spec->add_communities()->set_name("default");
}

}  // namespace scenario_detail

std::string scenario_to_text(const courtyard::v1::Scenario& spec) {
  std::string body;
  pb::TextFormat::Printer printer;
  printer.SetUseUtf8StringEscaping(true);  // Chinese names stay readable, not octal escapes
  printer.PrintToString(spec, &body);
  return "# proto-file: proto/courtyard/v1/scenario.proto\n"
         "# proto-message: courtyard.v1.Scenario\n\n" +
         body;
}

std::string scenario_to_json(const courtyard::v1::Scenario& spec) {
  pb::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string out;
  const auto status = pb::util::MessageToJsonString(spec, &out, options);
  if (!status.ok()) throw std::runtime_error("cannot print the scenario as JSON: " + status.ToString());
  return out;
}

}  // namespace courtyard
