package slackcheck

import (
	"sort"
	"strings"
	"time"
)

// Block types this package knows but does not look into (beyond block_id):
// the rest of slack-go's MessageBlockType list.
var uncheckedBlocks = set("alert", "auth_provider", "call", "card", "carousel",
	"container", "context_actions", "data_table", "data_visualization", "file",
	"layout", "markdown", "plan", "rich_text", "table", "task_card", "video")

// The select menus, single and multi.
var selects = []string{"static_select", "external_select", "users_select",
	"conversations_select", "channels_select", "multi_static_select",
	"multi_external_select", "multi_users_select", "multi_conversations_select",
	"multi_channels_select"}

// Where each element may go: the "compatible elements" of each block's page
// (https://docs.slack.dev/reference/block-kit/blocks/section-block,
// …/actions-block, …/context-block) and the input block's element union
// (https://docs.slack.dev/tools/node-slack-sdk/reference/types/type-aliases/InputBlockElement).
var (
	sectionAccessory = set(append([]string{"button", "checkboxes", "datepicker",
		"image", "overflow", "radio_buttons", "timepicker", "workflow_button"}, selects...)...)
	actionsElements = set(append([]string{"button", "checkboxes", "datepicker",
		"datetimepicker", "overflow", "radio_buttons", "rich_text_input",
		"timepicker", "workflow_button"}, selects...)...)
	inputElements = set(append([]string{"checkboxes", "datepicker",
		"datetimepicker", "email_text_input", "file_input", "number_input",
		"plain_text_input", "radio_buttons", "rich_text_input", "timepicker",
		"url_text_input"}, selects...)...)
	contextElements = set("image")
)

// Elements that only some surfaces show, from the surfaces column of
// https://api.slack.com/reference/block-kit/block-elements. Elements not
// listed work everywhere.
var elementSurfaces = map[string][]surface{
	"datetimepicker":   {inModal, inMessage},
	"email_text_input": {inModal},
	"file_input":       {inModal},
	"number_input":     {inModal},
	"rich_text_input":  {inModal, inHome},
}

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// blocks checks a list of blocks, at most max of them.
func (c *checker) blocks(path string, list []any, max int) {
	if len(list) > max {
		c.add(path, "%d blocks, at most %d in %s", len(list), max, c.surface)
	}
	for i, b := range list {
		c.block(index(path, i), b)
	}
}

// block checks one block, by type.
func (c *checker) block(path string, v any) {
	b, ok := c.object(path, v)
	if !ok {
		return
	}
	c.blockID(path, b)
	typ, _ := b["type"].(string)
	switch typ {
	case "section":
		c.section(path, b)
	case "header":
		c.text(path, b, "text", HeaderTextMax, true, true)
	case "context":
		c.context(path, b)
	case "actions":
		for i, e := range c.list(path, b, "elements", ActionsElementsMin, ActionsElementsMax) {
			c.element(index(at(path, "elements"), i), e, actionsElements, "an actions block")
		}
	case "divider":
		// "The divider block is nice and neat, requiring no fields" besides
		// type and block_id.
		for _, k := range sortedKeys(b) {
			if k != "type" && k != "block_id" {
				c.add(at(path, k), "a divider has no such field")
			}
		}
	case "input":
		c.input(path, b)
	case "image":
		c.image(path, b, ImageAltTextMax)
		c.text(path, b, "title", ImageTitleMax, true, false)
	case "":
		c.add(at(path, "type"), "missing")
	default:
		if !uncheckedBlocks[typ] {
			c.add(at(path, "type"), "unknown block type %q", typ)
		}
	}
}

// blockID checks a block's block_id: 1 to BlockIDMax characters, unique.
func (c *checker) blockID(path string, b map[string]any) {
	id, ok := c.str(path, b, "block_id", BlockIDMax)
	switch {
	case !ok:
	case id == "":
		c.add(at(path, "block_id"), "empty")
	case c.blockIDs[id] != "":
		c.add(at(path, "block_id"), "%q is also the block_id of %s", id, c.blockIDs[id])
	default:
		c.blockIDs[id] = path
	}
}

func (c *checker) section(path string, b map[string]any) {
	c.text(path, b, "text", SectionTextMax, false, false)
	fields := c.list(path, b, "fields", 0, SectionFieldsMax)
	for i, f := range fields {
		c.textObject(index(at(path, "fields"), i), f, SectionFieldTextMax, false)
	}
	if !present(b, "text") && len(fields) == 0 {
		c.add(path, "a section needs text or fields")
	}
	if present(b, "accessory") {
		c.element(at(path, "accessory"), b["accessory"], sectionAccessory, "a section's accessory")
	}
}

func (c *checker) context(path string, b map[string]any) {
	for i, e := range c.list(path, b, "elements", ContextElementsMin, ContextElementsMax) {
		p := index(at(path, "elements"), i)
		if m, ok := e.(map[string]any); ok && (m["type"] == "plain_text" || m["type"] == "mrkdwn") {
			c.textObject(p, m, TextMax, false)
		} else {
			c.element(p, e, contextElements, "a context block")
		}
	}
}

func (c *checker) input(path string, b map[string]any) {
	c.inputs++
	c.text(path, b, "label", InputLabelMax, true, true)
	c.text(path, b, "hint", InputHintMax, true, false)
	if !present(b, "element") {
		c.add(at(path, "element"), "missing")
		return
	}
	c.element(at(path, "element"), b["element"], inputElements, "an input block")
}

// image checks an image block or element: its alt_text (at most altMax
// characters; 0, no limit) and its source, image_url or slack_file.
func (c *checker) image(path string, m map[string]any, altMax int) {
	_, hasURL := c.str(path, m, "image_url", ImageURLMax)
	hasFile := present(m, "slack_file")
	switch {
	case hasURL && hasFile:
		c.add(path, "image_url and slack_file exclude each other")
	case !hasURL && !hasFile:
		c.add(path, "an image needs image_url or slack_file")
	}
	if alt, ok := c.str(path, m, "alt_text", altMax); !ok || alt == "" {
		c.add(at(path, "alt_text"), "missing")
	}
}

// element checks an element allowed in a block if its type is in allowed.
func (c *checker) element(path string, v any, allowed map[string]bool, where string) {
	e, ok := c.object(path, v)
	if !ok {
		return
	}
	typ, _ := e["type"].(string)
	if typ == "" {
		c.add(at(path, "type"), "missing")
		return
	}
	if !allowed[typ] {
		c.add(at(path, "type"), "%q cannot be used in %s", typ, where)
		return
	}
	if only, ok := elementSurfaces[typ]; ok && !hasSurface(only, c.surface) {
		c.add(at(path, "type"), "%q is not available in %s", typ, c.surface)
	}
	c.actionID(path, e)
	if e["focus_on_load"] == true {
		c.focus = append(c.focus, path)
	}
	c.text(path, e, "placeholder", PlaceholderMax, true, false)
	if present(e, "confirm") {
		c.confirm(at(path, "confirm"), e["confirm"])
	}
	switch typ {
	case "button":
		c.text(path, e, "text", ButtonTextMax, true, true)
		c.str(path, e, "value", ButtonValueMax)
		c.str(path, e, "url", ButtonURLMax)
		c.str(path, e, "accessibility_label", ButtonAccessibilityLabelMax)
		c.style(path, e)
	case "static_select", "multi_static_select":
		c.staticSelect(path, e, typ == "multi_static_select")
	case "external_select", "multi_external_select":
		// min_query_length: the fewest typed characters before Slack asks
		// for options; a count, so not negative.
		if n, ok := c.integer(path, e, "min_query_length"); ok && n < 0 {
			c.add(at(path, "min_query_length"), "%d is negative", n)
		}
		// initial options come from the app's own answer, so they need
		// not be among any options here.
		c.initialOptions(path, e, typ == "multi_external_select", nil, false, optPlain)
	case "overflow":
		c.options(path, e, "options", OverflowOptionsMin, OverflowOptionsMax, optOverflow, map[string]string{})
	case "radio_buttons":
		keys := c.options(path, e, "options", 1, RadioOptionsMax, optRich, map[string]string{})
		c.initialOptions(path, e, false, keys, true, optRich)
	case "checkboxes":
		keys := c.options(path, e, "options", 1, CheckboxOptionsMax, optRich, map[string]string{})
		c.initialOptions(path, e, true, keys, true, optRich)
	case "plain_text_input":
		c.plainTextInput(path, e)
	case "datepicker":
		// initial_date: "This should be in the format YYYY-MM-DD."
		// https://docs.slack.dev/reference/block-kit/block-elements/date-picker-element
		if d, ok := c.str(path, e, "initial_date", 0); ok {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				c.add(at(path, "initial_date"), "%q is not a YYYY-MM-DD date", d)
			}
		}
	case "timepicker":
		// initial_time: HH:mm, 24-hour.
		// https://docs.slack.dev/reference/block-kit/block-elements/time-picker-element
		if t, ok := c.str(path, e, "initial_time", 0); ok {
			if _, err := time.Parse("15:04", t); err != nil {
				c.add(at(path, "initial_time"), "%q is not an HH:mm time", t)
			}
		}
	case "image":
		c.image(path, e, 0)
	}
	if strings.HasPrefix(typ, "multi_") {
		if n, ok := c.integer(path, e, "max_selected_items"); ok && n < MaxSelectedItemsMin {
			c.add(at(path, "max_selected_items"), "%d, at least %d", n, MaxSelectedItemsMin)
		}
	}
}

func hasSurface(list []surface, s surface) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// actionID checks an element's action_id: at most ActionIDMax characters,
// not empty, unique in the message or view.
func (c *checker) actionID(path string, e map[string]any) {
	id, ok := c.str(path, e, "action_id", ActionIDMax)
	switch {
	case !ok:
	case id == "":
		c.add(at(path, "action_id"), "empty")
	case c.actionIDs[id] != "":
		c.add(at(path, "action_id"), "%q is also the action_id of %s", id, c.actionIDs[id])
	default:
		c.actionIDs[id] = path
	}
}

// style checks a button's or a confirmation dialog's style.
func (c *checker) style(path string, m map[string]any) {
	if s, ok := c.str(path, m, "style", 0); ok && s != "primary" && s != "danger" {
		c.add(at(path, "style"), "must be primary or danger, not %q", s)
	}
}

// confirm checks a confirmation dialog object.
func (c *checker) confirm(path string, v any) {
	m, ok := c.object(path, v)
	if !ok {
		return
	}
	c.text(path, m, "title", ConfirmTitleMax, true, true)
	c.text(path, m, "text", ConfirmTextMax, false, true)
	c.text(path, m, "confirm", ConfirmButtonMax, true, true)
	c.text(path, m, "deny", ConfirmButtonMax, true, true)
	c.style(path, m)
}

func (c *checker) staticSelect(path string, e map[string]any, multi bool) {
	hasOptions, hasGroups := present(e, "options"), present(e, "option_groups")
	switch {
	case hasOptions && hasGroups:
		c.add(path, "options and option_groups exclude each other")
	case !hasOptions && !hasGroups:
		c.add(path, "a static select needs options or option_groups")
	}
	seen := map[string]string{}
	var keys []optKey
	if hasOptions {
		keys = append(keys, c.options(path, e, "options", 1, SelectOptionsMax, optPlain, seen)...)
	}
	if hasGroups {
		keys = append(keys, c.optionGroups(path, e, "option_groups", SelectOptionGroupsMax, seen)...)
	}
	c.initialOptions(path, e, multi, keys, true, optPlain)
}

func (c *checker) plainTextInput(path string, e map[string]any) {
	min, hasMin := c.integer(path, e, "min_length")
	max, hasMax := c.integer(path, e, "max_length")
	if hasMin && (min < 0 || min > InputLengthMax) {
		c.add(at(path, "min_length"), "%d, must be 0 to %d", min, InputLengthMax)
	}
	if hasMax && (max < 1 || max > InputLengthMax) {
		c.add(at(path, "max_length"), "%d, must be 1 to %d", max, InputLengthMax)
	}
	if hasMin && hasMax && min > max {
		c.add(at(path, "min_length"), "%d is above max_length %d", min, max)
	}
	if s, ok := c.str(path, e, "initial_value", 0); ok && hasMax && runes(s) > max {
		c.add(at(path, "initial_value"), "%d characters, above max_length %d", runes(s), max)
	}
}

// optRules says what an option may hold where it is.
type optRules struct {
	mrkdwn bool // text and description may be mrkdwn: radio buttons, checkboxes
	url    bool // url allowed: overflow menus
}

var (
	optPlain    = optRules{}
	optRich     = optRules{mrkdwn: true}
	optOverflow = optRules{url: true}
)

// optKey is what makes an initial option "exactly match" an option: its
// value and its text.
type optKey struct{ value, typ, text string }

// option checks one option object.
func (c *checker) option(path string, v any, r optRules) (optKey, bool) {
	o, ok := c.object(path, v)
	if !ok {
		return optKey{}, false
	}
	typ, text := c.text(path, o, "text", OptionTextMax, !r.mrkdwn, true)
	value, ok := c.str(path, o, "value", OptionValueMax)
	if !ok {
		c.add(at(path, "value"), "missing")
	}
	c.text(path, o, "description", OptionDescriptionMax, !r.mrkdwn, false)
	if present(o, "url") && !r.url {
		c.add(at(path, "url"), "only allowed in overflow menus")
	}
	c.str(path, o, "url", OptionURLMax)
	return optKey{value, typ, text}, true
}

// options checks m[key], a list of min to max options whose values are
// unique among seen (value → path).
func (c *checker) options(path string, m map[string]any, key string, min, max int, r optRules, seen map[string]string) []optKey {
	var keys []optKey
	for i, o := range c.list(path, m, key, min, max) {
		p := index(at(path, key), i)
		k, ok := c.option(p, o, r)
		if !ok {
			continue
		}
		if first, dup := seen[k.value]; dup {
			c.add(at(p, "value"), "%q is also the value of %s", k.value, first)
		} else {
			seen[k.value] = p
		}
		keys = append(keys, k)
	}
	return keys
}

// optionGroups checks m[key], a list of at most max option groups.
func (c *checker) optionGroups(path string, m map[string]any, key string, max int, seen map[string]string) []optKey {
	var keys []optKey
	for i, g := range c.list(path, m, key, 1, max) {
		p := index(at(path, key), i)
		group, ok := c.object(p, g)
		if !ok {
			continue
		}
		c.text(p, group, "label", OptionGroupLabelMax, true, true)
		keys = append(keys, c.options(p, group, "options", 1, OptionGroupOptionsMax, optPlain, seen)...)
	}
	return keys
}

// initialOptions checks initial_option (initial_options if multi), which
// must match one of keys if among.
func (c *checker) initialOptions(path string, e map[string]any, multi bool, keys []optKey, among bool, r optRules) {
	match := func(p string, o any) {
		k, ok := c.option(p, o, r)
		if ok && among && !hasKey(keys, k) {
			c.add(p, "matches none of the options (same value and text)")
		}
	}
	if multi {
		for i, o := range c.list(path, e, "initial_options", 0, 0) {
			match(index(at(path, "initial_options"), i), o)
		}
		if present(e, "initial_option") {
			c.add(at(path, "initial_option"), "a multi-select takes initial_options")
		}
		return
	}
	if present(e, "initial_option") {
		match(at(path, "initial_option"), e["initial_option"])
	}
	if present(e, "initial_options") {
		c.add(at(path, "initial_options"), "a single select takes initial_option")
	}
}

func hasKey(keys []optKey, k optKey) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}
