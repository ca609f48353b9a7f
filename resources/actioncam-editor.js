/**
 * Editor helpers shared by the edit dialogs of every actioncam node: validation patterns and
 * validators, TypedInput set-up, label helpers. Node-RED serves the package's resources/ folder at
 * resources/@actioncam/node-red-actioncam/, and each nodes/<type>.html loads this file with
 * <script src="resources/@actioncam/node-red-actioncam/actioncam-editor.js"></script> before its
 * own script, which keeps its literal RED.nodes.registerType('<type>', {...}) (node-red-dev reads it).
 *
 * Node-RED runs the file once per node set that names it (once per node type): the first run defines the
 * one namespace object, window.ActionCamEditor, and every later run leaves it as it is.
 */
(function (root) {
    'use strict';
    if (root.ActionCamEditor) { return; }

    var PACKAGE = '@actioncam/node-red-actioncam';
    var PORT = '(?:0*(?:[1-9]\\d{0,3}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5]))';

    /** Every pattern also takes a whole-value ${ENV_VAR}, which Node-RED substitutes at deploy. */
    var patterns = {
        // a positive whole number (milliseconds)
        ms: /^\s*(?:\$\{[^}]+\}|[1-9]\d*)\s*$/,
        // 1-65535
        port: new RegExp('^\\s*(?:\\$\\{[^}]+\\}|' + PORT + ')\\s*$'),
        // one or more ports separated by commas (or spaces)
        ports: new RegExp('^\\s*(?:\\$\\{[^}]+\\}|' + PORT + '(?:\\s*[,\\s]\\s*' + PORT + ')*)\\s*$'),
        // IPv4, host name or IPv6 (letters, digits, dots, dashes, colons)
        host: /^\s*(?:\$\{[^}]+\}|[A-Za-z0-9_]([A-Za-z0-9_.:-]*[A-Za-z0-9_])?)\s*$/,
        // the same, or a bracketed IPv6 literal (the camera's address in the config node)
        hostOrBracketedIpv6: /^\s*(?:\$\{[^}]+\}|[A-Za-z0-9_]([A-Za-z0-9_.:-]*[A-Za-z0-9_])?|\[[0-9A-Fa-f:.]+\])\s*$/
    };

    /** A property's value in the open edit dialog, else the node's, else `fallback`. */
    function dialogValue(node, field, fallback) {
        return $('#node-input-' + field).val() || node[field] || fallback;
    }

    /**
     * The validators of one node type. Each returns true, or on failure the translated text of
     * `<type>.validation.<key>` when Node-RED (>= 3.1) passes `opt`, else false (older versions only
     * want true/false).
     */
    function validation(type) {
        var prefix = PACKAGE + '/' + type + ':' + type + '.validation.';
        function check(ok, opt, key) {
            if (ok) { return true; }
            return opt ? RED._(prefix + key) : false;
        }
        return {
            check: check,
            /** The value (as text) matches `re`. */
            matches: function (re, key) {
                return function (v, opt) { return check(re.test(String(v)), opt, key); };
            },
            /** The value is not empty or blank. */
            notEmpty: function (key) {
                return function (v, opt) { return check(String(v).trim() !== '', opt, key); };
            },
            /**
             * A TypedInput property whose type is in `typeField` (default `fallback`): a type listed in
             * `own` is checked by its validator, any other by `other`, by default Node-RED's own.
             */
            typed: function (typeField, fallback, own, other) {
                return function (v, opt) {
                    var type = dialogValue(this, typeField, fallback);
                    if (Object.prototype.hasOwnProperty.call(own, type)) { return own[type].call(this, v, opt); }
                    return other ? other.call(this, v, opt) : RED.validators.typedInput(typeField)(v, opt);
                };
            },
            /** `rule` applies only while property `field` (default `fallback`) is `value`; otherwise anything goes. */
            when: function (field, value, fallback, rule) {
                return function (v, opt) {
                    return dialogValue(this, field, fallback) !== value || rule.call(this, v, opt);
                };
            }
        };
    }

    /** Turns <input id="node-input-<field>"> into a TypedInput of `types` (the first is the default), its type in <field>Type. */
    function typedInput(field, types) {
        $('#node-input-' + field).typedInput({
            default: types[0],
            types: types,
            typeField: '#node-input-' + field + 'Type'
        });
    }

    /** A checkbox whose property a node saved before the property existed does not have: show it ticked (the default). */
    function tickUnset(node, field, inputId) {
        if (node[field] === undefined) {
            $(inputId).prop('checked', true);
        }
    }

    /** paletteLabel of `type`: `<type>.paletteLabel` from its catalogue. */
    function paletteLabel(type) {
        return function () { return this._(type + '.paletteLabel'); };
    }

    /** labelStyle: a name the user gave is shown in italics. */
    function labelStyle() {
        return this.name ? 'node_label_italic' : '';
    }

    root.ActionCamEditor = {
        patterns: patterns,
        dialogValue: dialogValue,
        validation: validation,
        typedInput: typedInput,
        tickUnset: tickUnset,
        paletteLabel: paletteLabel,
        labelStyle: labelStyle
    };
})(window);
