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
    // 1-2147483647: the longest a timer can wait (setTimeout fires at once beyond 2^31-1 ms)
    var MS = '(?:[1-9]\\d{0,8}|1\\d{9}|20\\d{8}|21[0-3]\\d{7}|214[0-6]\\d{6}|2147[0-3]\\d{5}|21474[0-7]\\d{4}|' +
        '214748[0-2]\\d{3}|2147483[0-5]\\d{2}|21474836[0-3]\\d|214748364[0-7])';

    /** Every pattern also takes a whole-value ${ENV_VAR}, which Node-RED substitutes at deploy. */
    var patterns = {
        // a whole number of milliseconds from 1 to 2147483647
        ms: new RegExp('^\\s*(?:\\$\\{[^}]+\\}|' + MS + ')\\s*$'),
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
            /** The value matches `re` and, where it is a number, is at most `max` (a ${ENV_VAR} is checked at deploy). */
            upTo: function (re, max, key) {
                return function (v, opt) { return check(re.test(String(v)) && !(Number(v) > max), opt, key); };
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

    var CONFIG = 'actioncam-config';

    /** The cameras (actioncam-config nodes) a node on the current tab can use, as Node-RED's picker lists them. */
    function cameras() {
        var tab = RED.workspaces.active();
        var found = [];
        RED.nodes.eachConfig(function (n) {
            if (n.type === CONFIG && (!n.z || n.z === tab)) { found.push(n); }
        });
        return found;
    }

    /**
     * onadd of every node with a camera: a new node uses the camera when exactly one exists, rather
     * than starting at "none" (issue 9). Dropped from the palette the node is not added yet (Node-RED
     * counts it as a user when it is); pasted, it is, so it is counted here.
     */
    function pickOnlyCamera() {
        if (this.camera) { return; }
        var found = cameras();
        if (found.length !== 1) { return; }
        this.camera = found[0].id;
        if (RED.nodes.node(this.id) && typeof RED.nodes.updateConfigNodeUsers === 'function') {
            RED.nodes.updateConfigNodeUsers(this);
        }
    }

    /** "6666", " 06666 " and 6666 are the same port; empty is the default 6666. */
    function samePort(a, b) {
        var norm = function (p) { return String(p === undefined || p === null || String(p).trim() === '' ? 6666 : p).trim().replace(/^0+(?=\d)/, ''); };
        return norm(a) === norm(b);
    }

    /**
     * The camera dialog warns while another camera config node has the same host and port: the camera
     * takes one client, so two config nodes for it lock each other out ("login rejected or camera busy").
     */
    function warnDuplicate(node) {
        var tip = $('#actioncam-config-duplicate');
        function check() {
            var host = String($('#node-config-input-host').val() || '').trim().toLowerCase();
            var port = $('#node-config-input-port').val();
            var other = null;
            RED.nodes.eachConfig(function (n) {
                if (other || n.type !== CONFIG || n.id === node.id) { return; }
                if (String(n.host || '').trim().toLowerCase() === host && samePort(n.port, port)) { other = n; }
            });
            if (!other || !host) {
                tip.hide();
                return;
            }
            var label = RED.utils.getNodeLabel ? RED.utils.getNodeLabel(other, other.id) : (other.name || other.id);
            tip.text(node._(CONFIG + '.tip.duplicate', { name: label, address: host + ':' + String(port || 6666).trim() })).show();
        }
        $('#node-config-input-host, #node-config-input-port').on('change keyup input', check);
        check();
    }

    /**
     * The Search button of the camera dialog: asks the runtime (GET actioncam/discover, relative to
     * the editor, so under httpAdminRoot and with the editor's login) and offers the cameras that
     * answered; picking one fills Host, and Name from its serial when Name is empty.
     */
    function cameraSearch(node) {
        var button = $('#actioncam-config-search');
        var list = $('#actioncam-config-search-list');
        var results = $('#actioncam-config-search-results');
        var status = $('#actioncam-config-search-status');
        var message = $('#actioncam-config-search-message');
        var found = [];
        function say(key, vars) {
            status.text(key ? node._(CONFIG + '.search.' + key, vars || {}) : '');
            message.toggle(Boolean(key));
        }
        button.on('click', function (event) {
            event.preventDefault();
            if (button.prop('disabled')) { return; }
            var query = {
                address: String($('#actioncam-config-search-address').val() || '').trim() || '255.255.255.255',
                ports: String($('#actioncam-config-search-ports').val() || '').trim() || '22600,21600',
                timeout: 3000
            };
            button.prop('disabled', true);
            list.empty();
            results.hide();
            found = [];
            say('searching');
            $.ajax({ url: 'actioncam/discover', data: query, dataType: 'json', timeout: 15000 })
                .done(function (cameras) {
                    found = $.isArray(cameras) ? cameras : [];
                    if (found.length === 0) {
                        say('none');
                        return;
                    }
                    $('<option value=""></option>').text(node._(CONFIG + '.search.pick', { count: found.length })).appendTo(list);
                    found.forEach(function (camera, i) {
                        var text = camera.address + (camera.serial ? ' · ' + camera.serial : '');
                        $('<option></option>').val(String(i)).text(text).appendTo(list);
                    });
                    results.show();
                    say('');
                })
                .fail(function (xhr) {
                    var error = (xhr.responseJSON && xhr.responseJSON.error) || xhr.statusText || String(xhr.status);
                    say('failed', { error: error });
                })
                .always(function () {
                    button.prop('disabled', false);
                });
        });
        list.on('change', function () {
            var camera = found[Number(list.val())];
            if (list.val() === '' || !camera) { return; }
            $('#node-config-input-host').val(camera.address).trigger('change');
            var name = $('#node-config-input-name');
            if (!String(name.val() || '').trim() && camera.serial) { name.val(camera.serial); }
            say('picked', { address: camera.address });
        });
    }

    root.ActionCamEditor = {
        patterns: patterns,
        dialogValue: dialogValue,
        validation: validation,
        typedInput: typedInput,
        tickUnset: tickUnset,
        paletteLabel: paletteLabel,
        labelStyle: labelStyle,
        pickOnlyCamera: pickOnlyCamera,
        warnDuplicate: warnDuplicate,
        cameraSearch: cameraSearch
    };
})(window);
